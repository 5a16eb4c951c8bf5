import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../pages/ErrorPages';
import { AdminHomePage } from './AdminHomePage';
import { AdminRecordsPage } from './AdminRecordsPage';
import { AuditPage } from './AuditPage';
import { UserPage } from './UserPage';
import { UsersPage } from './UsersPage';

/**
 * Everything under /admin, loaded only when an admin opens it. The app shell shows the Admin
 * entry to people with the admin role only; the api refuses everyone else anyway.
 */
export default function AdminRoutes() {
  return (
    <Routes>
      <Route index element={<AdminHomePage />} />
      <Route path="users" element={<UsersPage />} />
      <Route path="users/:username" element={<UserPage />} />
      <Route path="records" element={<AdminRecordsPage />} />
      <Route path="audit" element={<AuditPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
