import { Link } from '../router.js';

export function NotFoundPage() {
  return (
    <div className="placeholder">
      <h1 className="placeholder-title">Page not found</h1>
      <p className="placeholder-text">There is no page at this address.</p>
      <Link to="/" className="btn">
        Go to the signatory directory
      </Link>
    </div>
  );
}
