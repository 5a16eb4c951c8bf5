import { Route, Routes } from 'react-router';
import { useServices } from '../app/services';
import { useDocumentTitle } from '../app/use-document-title';
import { NotFoundPage } from '../pages/ErrorPages';

/**
 * Everything under /admin, loaded only when an admin opens it. Admin pages are routes here; the
 * app shell shows the Admin entry to people with the admin role only.
 */
export default function AdminRoutes() {
  return (
    <Routes>
      <Route index element={<AdminHomePage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

function AdminHomePage() {
  useDocumentTitle('Admin');
  const { config } = useServices();
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Admin</h1>
      <p>
        The admin console (people, quotas, records of everyone, the audit log) is not part of this
        version yet.
      </p>
      {config.boardUrl ? (
        <p>
          Queues and flows can be watched on the <a href={config.boardUrl}>job board</a>.
        </p>
      ) : null}
    </section>
  );
}
