// The browser interface (placeholder until the UI is built).
document.getElementById('app').innerHTML =
  '<h1>hccstudy</h1><p>The JSON API is at /api/v1/ (docs/api.md).</p>';
