import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { CALLBACK_PATH } from '../auth/auth';
import { usePerson, useSession } from '../auth/session';
import { Loading } from '../components/States';
import { CertificatePage } from '../certificate/CertificatePage';
import { AuthCallbackPage } from '../pages/AuthCallbackPage';
import { DashboardPage } from '../pages/DashboardPage';
import { NotFoundPage } from '../pages/ErrorPages';
import { WelcomePage } from '../pages/WelcomePage';
import { EditRecordPage, NewRecordPage } from '../records/RecordFormPages';
import { RecordPage } from '../records/RecordPage';
import { RecordsPage } from '../records/RecordsPage';
import { NotificationSettingsPage } from '../settings/NotificationSettingsPage';
import { ErrorBoundary } from './ErrorBoundary';
import { Layout } from './Layout';

const AdminRoutes = lazy(() => import('../admin/AdminRoutes'));

export function App() {
  return (
    <BrowserRouter>
      <ErrorBoundary>
        <Routes>
          <Route path={CALLBACK_PATH} element={<AuthCallbackPage />} />
          <Route element={<SignedIn />}>
            <Route index element={<DashboardPage />} />
            <Route path="records" element={<RecordsPage />} />
            <Route path="records/new" element={<NewRecordPage />} />
            <Route path="records/:id" element={<RecordPage />} />
            <Route path="records/:id/edit" element={<EditRecordPage />} />
            <Route path="certificate" element={<CertificatePage />} />
            <Route path="settings/notifications" element={<NotificationSettingsPage />} />
            <Route
              path="admin/*"
              element={
                <AdminOnly>
                  <Suspense fallback={<Loading label="Loading the admin console…" />}>
                    <AdminRoutes />
                  </Suspense>
                </AdminOnly>
              }
            />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </ErrorBoundary>
    </BrowserRouter>
  );
}

/** Every page but the callback needs a signed-in person; signed out, the welcome page asks. */
function SignedIn() {
  const session = useSession();
  if (session.state === 'loading') return <Loading label="Starting…" />;
  if (session.state === 'signed-out') {
    return (
      <main id="main" className="main main--welcome">
        <WelcomePage />
      </main>
    );
  }
  return <Layout />;
}

function AdminOnly({ children }: { children: ReactNode }) {
  return usePerson().isAdmin ? children : <NotFoundPage />;
}
