import { NavLink, Outlet } from 'react-router';
import { usePerson } from '../auth/session';
import { useServices } from './services';

/** The frame of every signed-in page: a skip link, the navigation, the person and sign-out. */
export function Layout() {
  const person = usePerson();
  const { auth } = useServices();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="header">
        <div className="header__inner">
          <NavLink to="/" className="brand" end>
            <span aria-hidden="true" className="brand__mark">
              ★
            </span>{' '}
            Starchart
          </NavLink>
          <nav aria-label="Main" className="nav">
            <NavLink to="/" end>
              Dashboard
            </NavLink>
            <NavLink to="/records">Records</NavLink>
            <NavLink to="/certificate">Certificate</NavLink>
            <NavLink to="/settings/notifications">Mail settings</NavLink>
            {person.isAdmin ? <NavLink to="/admin">Admin</NavLink> : null}
          </nav>
          <div className="account">
            <span className="account__name" title={person.email}>
              {person.username}
            </span>
            <button
              type="button"
              className="button button--small button--quiet-inverse"
              onClick={() => void auth.signOut()}
            >
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
