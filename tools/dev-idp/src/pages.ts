/** The provider's own pages: plain, server-rendered, every control labelled. */

const STYLE = `
body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
h1{font-size:1.5rem}label{display:block;margin-top:1rem;font-weight:600}
input{display:block;width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #555;border-radius:4px}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem;border:2px solid #1b1b1b;border-radius:4px;background:#1d4ed8;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1b1b1b;margin-left:.5rem}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.error{border:2px solid #b91c1c;background:#fef2f2;padding:.75rem;border-radius:4px}
.note{color:#444;font-size:.9rem}`;

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export interface LoginPage {
  /** Where the form posts: the interaction's login endpoint. */
  action: string;
  username?: string;
  error?: string;
}

export function loginPage({ action, username = '', error }: LoginPage): string {
  const alert = error
    ? `<p class="error" role="alert" id="login-error"><strong>Sign-in failed:</strong> ${escapeHtml(error)}</p>`
    : '';
  const describedBy = error ? ' aria-describedby="login-error" aria-invalid="true"' : '';
  return page(
    'Sign in to Starchart (development)',
    `<h1>Sign in to Starchart</h1>
<p class="note">Development identity provider. Never use it in production.</p>
${alert}
<form method="post" action="${escapeHtml(action)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(username)}"${username ? '' : ' autofocus'}${describedBy}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${username ? ' autofocus' : ''}${describedBy}>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** oidc-provider's sign-out confirmation; `form` is its hidden form with the xsrf token. */
export function logoutPage(form: string): string {
  return page(
    'Sign out of Starchart (development)',
    `<h1>Sign out of Starchart?</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>`,
  );
}

export function signedOutPage(): string {
  return page(
    'Signed out of Starchart (development)',
    `<h1>You are signed out</h1><p>You can close this page.</p>`,
  );
}

export function errorPage(title: string, detail: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(detail)}</p>`);
}
