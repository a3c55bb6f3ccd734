import { accountRoutes } from '@mixroom/contract';
import { type FormEvent, useState } from 'react';
import { api, errorMessage, fieldErrors } from '../api/client';
import { useAuth } from '../app/auth';
import { Link, navigate, useLocation } from '../lib/router';
import { Button, ErrorText, TextField } from '../ui/ui';

/** Only same-app paths may be a post-sign-in destination (no open redirects). */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const { setUser } = useAuth();
  const { query } = useLocation();
  const next = safeNext(query.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      const { user } = await api.call(accountRoutes.login, { body: { email, password } });
      setUser(user);
      navigate(next, { replace: true });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title="Sign in to Mixroom">
      <form className="stack" onSubmit={submit} aria-label="Sign in">
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorText>{error}</ErrorText>
        <Button type="submit" variant="primary" busy={busy}>
          Sign in
        </Button>
      </form>
      <p className="muted">
        New here?{' '}
        <Link to={`/signup${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>
          Create an account
        </Link>
      </p>
    </AuthFrame>
  );
}

export function SignUpPage() {
  const { setUser } = useAuth();
  const { query } = useLocation();
  const next = safeNext(query.get('next'));
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    setErrors({});
    try {
      const { user } = await api.call(accountRoutes.signup, { body: { email, password, displayName } });
      setUser(user);
      navigate(next, { replace: true });
    } catch (e) {
      const fields = fieldErrors(e);
      setErrors(fields);
      if (Object.keys(fields).length === 0) setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title="Create your Mixroom account">
      <form className="stack" onSubmit={submit} aria-label="Create account">
        <TextField
          label="Your name"
          autoComplete="name"
          required
          maxLength={80}
          value={displayName}
          error={errors.displayName}
          onChange={(e) => setDisplayName(e.target.value)}
        />
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          error={errors.email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          hint="At least 10 characters."
          value={password}
          error={errors.password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorText>{error}</ErrorText>
        <Button type="submit" variant="primary" busy={busy}>
          Create account
        </Button>
      </form>
      <p className="muted">
        Already have an account? <Link to="/signin">Sign in</Link>
      </p>
    </AuthFrame>
  );
}

export function AuthFrame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="auth-frame">
      <div className="auth-card card">
        <Logo />
        <h1>{title}</h1>
        {children}
      </div>
    </div>
  );
}

export function Logo() {
  return (
    <span className="logo" aria-hidden="true">
      <svg width="22" height="22" viewBox="0 0 32 32" aria-hidden="true">
        <g fill="currentColor">
          <rect x="6" y="13" width="3" height="6" rx="1.5" />
          <rect x="11" y="8" width="3" height="16" rx="1.5" />
          <rect x="16" y="11" width="3" height="10" rx="1.5" />
          <rect x="21" y="6" width="3" height="20" rx="1.5" />
        </g>
      </svg>
      Mixroom
    </span>
  );
}
