/** The dashboard's HTML shell: landmarks and a login form; src/dashboard-ui/ fills in the rest. */
export function dashboardPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>modelgate dashboard</title>
<link rel="stylesheet" href="dashboard/app.css">
<script type="module" src="dashboard/app.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <h1 class="brand">modelgate</h1>
  <nav aria-label="Dashboard views" id="nav" hidden>
    <ul>
      <li><a href="#/requests" data-view="requests">Requests</a></li>
      <li><a href="#/usage" data-view="usage">Usage</a></li>
      <li><a href="#/customers" data-view="customers">Customers</a></li>
    </ul>
  </nav>
  <button type="button" id="logout" hidden>Log out</button>
</header>
<main id="main" tabindex="-1">
  <noscript><p>The dashboard needs JavaScript.</p></noscript>
</main>
<div id="status" class="visually-hidden" role="status" aria-live="polite"></div>
</body>
</html>
`;
}
