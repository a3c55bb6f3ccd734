import { accountRoutes } from '@mixroom/contract';
import { type FormEvent, useState } from 'react';
import { api, errorMessage, fieldErrors } from '../api/client';
import { useAuth, useUser } from '../app/auth';
import { Button, ErrorText, TextField } from '../ui/ui';

/** Profile; a guest who joined with a name only adds an email and password here to keep the account. */
export function AccountPage() {
  const user = useUser();
  const { setUser } = useAuth();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [email, setEmail] = useState(user.email ?? '');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    setErrors({});
    setSaved(false);
    try {
      const body = {
        ...(displayName.trim() !== user.displayName ? { displayName: displayName.trim() } : {}),
        ...(email.trim() && email.trim() !== user.email ? { email: email.trim() } : {}),
        ...(password ? { password } : {}),
      };
      if (Object.keys(body).length === 0) {
        setSaved(true);
        return;
      }
      const res = await api.call(accountRoutes.updateMe, { body });
      setUser(res.user);
      setPassword('');
      setSaved(true);
    } catch (e) {
      const fields = fieldErrors(e);
      setErrors(fields);
      if (Object.keys(fields).length === 0) setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page page-narrow">
      <h1>Your account</h1>
      <section className="card" aria-labelledby="account-title">
        <h2 id="account-title">{user.isGuest ? 'Keep your account' : 'Profile'}</h2>
        {user.isGuest && (
          <p className="muted">
            You joined with your name only. Add an email and a password to sign in again from another device.
          </p>
        )}
        <form className="form-grid" onSubmit={submit}>
          <TextField
            label="Your name"
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
            required={user.isGuest}
            value={email}
            error={errors.email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <TextField
            label={user.isGuest ? 'Password' : 'New password'}
            type="password"
            autoComplete="new-password"
            minLength={10}
            required={user.isGuest}
            hint="At least 10 characters."
            value={password}
            error={errors.password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <ErrorText>{error}</ErrorText>
          <div className="row">
            <Button type="submit" variant="primary" busy={busy}>
              Save
            </Button>
            {saved && (
              <span className="muted small" role="status">
                Saved
              </span>
            )}
          </div>
        </form>
      </section>
    </main>
  );
}
