/**
 * The admin's keys page: create a requester key (its secret is shown once,
 * here, with a copy button), list every key, revoke one. A revoked key is
 * refused at once on every route.
 */
import { useState, type FormEvent } from 'react';
import { messageOf, type Api } from './api.ts';
import { formatTime } from './format.ts';
import type { CreatedKey, KeyView } from '../../../shared/api-types.ts';
import { usePolling } from './use-polling.ts';

export function KeysPage({ api }: { api: Api }) {
  const keys = usePolling(
    async () => (await api.get<{ keys: KeyView[] }>('/api/keys')).keys,
    10_000,
  );
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [error, setError] = useState<string | null>(null);

  const revoke = async (key: KeyView) => {
    setError(null);
    try {
      await api.del(`/api/keys/${encodeURIComponent(key.id)}`);
    } catch (err) {
      setError(messageOf(err));
    }
    keys.reload();
  };

  return (
    <section aria-labelledby="keys-heading">
      <h1 id="keys-heading">API keys</h1>
      <CreateKey
        api={api}
        onCreated={(key) => {
          setCreated(key);
          keys.reload();
        }}
      />
      {created ? (
        <NewSecret created={created} onDone={() => setCreated(null)} />
      ) : null}
      {error || keys.error ? (
        <p className="error" role="alert">
          {error ?? keys.error}
        </p>
      ) : null}
      <div className="table-wrap card flush">
        <table data-testid="keys-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Id</th>
              <th>Role</th>
              <th>Created</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(keys.data ?? []).map((key) => (
              <KeyRow
                key={key.id}
                apiKey={key}
                onRevoke={() => void revoke(key)}
              />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function CreateKey({
  api,
  onCreated,
}: {
  api: Api;
  onCreated(key: CreatedKey): void;
}) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await api.post<CreatedKey>('/api/keys', { name }));
      setName('');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="card inline-form"
      onSubmit={submit}
      data-testid="create-key-form"
    >
      <label className="field grow">
        <span className="label">New requester key for</span>
        <input
          type="text"
          placeholder="a name: a person or a project"
          data-testid="key-name-input"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <button
        type="submit"
        className="primary"
        data-testid="create-key-button"
        disabled={busy}
      >
        Create key
      </button>
      {error ? (
        <p className="field-error" data-testid="error-key-name" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function NewSecret({
  created,
  onDone,
}: {
  created: CreatedKey;
  onDone(): void;
}) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <section className="card secret" data-testid="new-key" aria-live="polite">
      <h2>Key for {created.name}</h2>
      <p>
        Copy it now: it is shown only this once, and the server keeps only its
        hash.
      </p>
      <div className="secret-row">
        <code data-testid="new-key-secret">{created.key}</code>
        <button
          type="button"
          className="small"
          data-testid="copy-key-button"
          onClick={() => void copy()}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="small quiet" onClick={onDone}>
          Done
        </button>
      </div>
      {copied === false ? (
        <p className="fine">
          The browser refused the clipboard; select the key and copy it.
        </p>
      ) : null}
    </section>
  );
}

function KeyRow({ apiKey, onRevoke }: { apiKey: KeyView; onRevoke(): void }) {
  const [confirming, setConfirming] = useState(false);
  const revoked = apiKey.revokedAt !== null;
  return (
    <tr
      data-testid="key-row"
      data-key-id={apiKey.id}
      data-key-name={apiKey.name}
      data-revoked={revoked}
    >
      <td>{apiKey.name}</td>
      <td className="mono">{apiKey.id}</td>
      <td>{apiKey.role}</td>
      <td>{formatTime(apiKey.createdAt)}</td>
      <td data-testid="key-status">
        {revoked ? `revoked ${formatTime(apiKey.revokedAt!)}` : 'active'}
      </td>
      <td>
        {revoked || apiKey.role === 'admin' ? null : confirming ? (
          <>
            <button
              type="button"
              className="small danger primary"
              data-testid="revoke-confirm"
              onClick={onRevoke}
            >
              Revoke
            </button>{' '}
            <button
              type="button"
              className="small quiet"
              onClick={() => setConfirming(false)}
            >
              Keep
            </button>
          </>
        ) : (
          <button
            type="button"
            className="small danger"
            data-testid="revoke-button"
            onClick={() => setConfirming(true)}
          >
            Revoke…
          </button>
        )}
      </td>
    </tr>
  );
}
