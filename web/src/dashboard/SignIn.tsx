/** Signing in with an API key. The key is checked with the server first. */
import { useState, type FormEvent } from 'react';
import { messageOf } from './api.ts';
import { signIn } from './session.ts';

export function SignIn({ notice }: { notice: string | undefined }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(key);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <header className="masthead">
        <h1>tabgrid</h1>
        <p className="tagline">Submit jobs and watch volunteers run them.</p>
      </header>
      <form className="card" onSubmit={submit} data-testid="sign-in-form">
        <h2>Sign in</h2>
        {notice ? (
          <p className="notice" data-testid="sign-in-notice" role="status">
            {notice}
          </p>
        ) : null}
        <label className="field">
          <span className="label">API key</span>
          <input
            type="password"
            autoComplete="off"
            spellCheck={false}
            data-testid="api-key-input"
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            required
          />
          <small>
            Kept in this tab only, until you sign out or close it. Ask the
            coordinator's admin for a key.
          </small>
        </label>
        {error ? (
          <p className="error" data-testid="sign-in-error" role="alert">
            {error}
          </p>
        ) : null}
        <button
          type="submit"
          className="primary"
          data-testid="sign-in-button"
          disabled={busy || key.trim() === ''}
        >
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <p className="fine">
        <a href="/">Volunteer page</a> · <a href="/docs">REST API</a>
      </p>
    </main>
  );
}
