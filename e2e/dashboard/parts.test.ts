/**
 * Parts of the dashboard that need no browser: reading server-sent events
 * out of arbitrary chunks, placing the server's error on a form field, and
 * the rate and time left read from the throughput series.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventParser } from '../../web/src/dashboard/events.ts';
import {
  etaMs,
  recentRate,
  wholeSeconds,
} from '../../web/src/dashboard/rates.ts';
import { fieldFor } from '../../web/src/dashboard/spec-form.ts';

describe('dashboard parts', () => {
  test('an event split across chunks, anywhere, is read whole and once', () => {
    const text =
      ': still here\n\nevent: snapshot\ndata: {"a":1}\n\r\n' +
      'event: snapshot\r\ndata: {"b":\ndata: 2}\n\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new EventParser();
      const events = [
        ...parser.push(text.slice(0, cut)),
        ...parser.push(text.slice(cut)),
      ];
      assert.deepEqual(
        events,
        [
          { event: 'snapshot', data: '{"a":1}' },
          { event: 'snapshot', data: '{"b":\n2}' },
        ],
        `cut at ${cut}`,
      );
    }
  });

  test("the server's field names find their place on the form", () => {
    assert.equal(fieldFor('quorum'), 'quorum');
    assert.equal(fieldFor('range.end'), 'range.end');
    assert.equal(fieldFor('compare.abs'), 'compare.abs');
    assert.equal(fieldFor('inputs[3]'), 'inputs');
    assert.equal(fieldFor('tasks.0.weight'), 'inputs');
    assert.equal(fieldFor('range'), 'inputs');
    assert.equal(fieldFor('body'), 'form');
    assert.equal(fieldFor(undefined), 'form');
  });

  test('a stalled job is carried to the present with zeros, so its rate falls', () => {
    const series = [0, 1, 2].map((s) => ({
      t: s * 1000,
      settled: 10,
      failed: 0,
    }));
    // The server's last snapshot ended in second 2; it is now second 6.
    const points = wholeSeconds(series, 6500, false);
    assert.deepEqual(
      points.map((p) => p.t),
      [0, 1000, 2000, 3000, 4000, 5000],
    );
    assert.equal(recentRate(points), 5);
    assert.equal(etaMs(20, recentRate(points)), 4000);
    assert.equal(etaMs(20, 0), null);
    assert.deepEqual(wholeSeconds(series, 6500, true), series);
  });
});
