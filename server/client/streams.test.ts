import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonLinesBody, readEvents, readLines } from './streams.ts';

/** A body that delivers `parts` as separate chunks, splitting wherever they split. */
function bodyOf(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(encoder.encode(p));
      controller.close();
    },
  });
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

test('lines and multi-byte characters split across chunks come out whole', async () => {
  const euro = new TextEncoder().encode('"€"\n');
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"a":1}\n{"b"'));
      controller.enqueue(new TextEncoder().encode(':2}\n'));
      controller.enqueue(euro.slice(0, 2));
      controller.enqueue(euro.slice(2));
      controller.enqueue(new TextEncoder().encode('last'));
      controller.close();
    },
  });
  assert.deepEqual(await all(readLines(body)), [
    '{"a":1}',
    '{"b":2}',
    '"€"',
    'last',
  ]);
});

test('server-sent events are parsed across chunks, skipping comments', async () => {
  const body = bodyOf([
    ': still here\n\nevent: snap',
    'shot\ndata: {"n":1}\n\n',
    'event: snapshot\r\ndata: {"n":\r\ndata: 2}\r\n\r\n',
  ]);
  assert.deepEqual(await all(readEvents(body)), [
    { event: 'snapshot', data: '{"n":1}' },
    { event: 'snapshot', data: '{"n":\n2}' },
  ]);
});

test('inputs become one JSON value a line, and an unencodable one is named by index', async () => {
  const ok = jsonLinesBody([1, 'two', { three: 3 }]);
  const text = (await all(ok.body)).map((c) => new TextDecoder().decode(c));
  assert.equal(text.join(''), '1\n"two"\n{"three":3}\n');
  const bad = jsonLinesBody([1, undefined]);
  await assert.rejects(
    all(bad.body),
    /inputs\[1\]: undefined cannot be encoded/,
  );
  assert.match(String(bad.failure()), /inputs\[1\]/);
});
