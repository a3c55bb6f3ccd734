import { useEffect } from 'react';
import { AccountPage } from '../auth/AccountPage';
import { InvitePage } from '../auth/InvitePage';
import { Logo, SignInPage, SignUpPage } from '../auth/AuthPages';
import { Link, matchPath, navigate, useLocation } from '../lib/router';
import { SessionListPage } from '../sessions/SessionListPage';
import { SessionPage } from '../session/SessionPage';
import { Avatar, Button, EmptyState, Spinner } from '../ui/ui';
import { AuthProvider, useAuth } from './auth';

export function App() {
  return (
    <AuthProvider>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Routes />
    </AuthProvider>
  );
}

function Routes() {
  const { path } = useLocation();
  const { user } = useAuth();

  const invite = matchPath('/invite/:token', path);
  if (invite) return <InvitePage token={invite.token!} />;
  if (path === '/signin') return user ? <Redirect to="/" /> : <SignInPage />;
  if (path === '/signup') return user ? <Redirect to="/" /> : <SignUpPage />;

  if (user === undefined) {
    return (
      <div className="center-page">
        <Spinner label="Loading Mixroom" />
      </div>
    );
  }
  if (user === null)
    return (
      <Redirect
        to={`/signin${path !== '/' ? `?next=${encodeURIComponent(path + window.location.search)}` : ''}`}
      />
    );

  const session = matchPath('/sessions/:id/:tab?', path);
  return (
    <>
      <TopBar />
      {path === '/' ? (
        <SessionListPage />
      ) : path === '/account' ? (
        <AccountPage />
      ) : session ? (
        <SessionPage key={session.id} sessionId={session.id!} tab={session.tab} />
      ) : (
        <main id="main" className="page page-narrow">
          <EmptyState title="Page not found">
            <p>
              <Link to="/">Go to your sessions</Link>
            </p>
          </EmptyState>
        </main>
      )}
    </>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function TopBar() {
  const { user, signOut } = useAuth();
  if (!user) return null;
  return (
    <header className="topbar">
      <Link to="/" className="brand" aria-label="Mixroom — your sessions">
        <Logo />
      </Link>
      <nav aria-label="Account" className="topbar-right">
        <Link
          to="/account"
          className="topbar-user"
          aria-label={`Your account: ${user.displayName}${user.isGuest ? ' (guest)' : ''}`}
        >
          <Avatar id={user.id} name={user.displayName} size={26} />
          <span className="topbar-name">
            {user.displayName}
            {user.isGuest && <span className="muted small"> (guest) · add a password</span>}
          </span>
        </Link>
        <Button
          size="sm"
          variant="ghost"
          onClick={() => {
            void signOut().then(() => navigate('/signin'));
          }}
        >
          Sign out
        </Button>
      </nav>
    </header>
  );
}
