// Placeholder: the console's pages replace this file (see docs/console.md).
const app = document.getElementById('app');
app.textContent = 'The stackd console is being built.';
