// The widget's shadow-DOM stylesheet. Pages restyle it through CSS custom properties on the element
// (`--edgerec-*`, listed below with their defaults) and through parts (`::part(card)`, …; see cards.ts).

export const WIDGET_CSS = `
:host {
  --edgerec-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --edgerec-text: #1d1d1f;
  --edgerec-muted: #6e6e73;
  --edgerec-bg: transparent;
  --edgerec-card-bg: #ffffff;
  --edgerec-card-border: #e6e6ea;
  --edgerec-card-shadow: 0 1px 2px rgb(0 0 0 / 0.04), 0 4px 14px rgb(0 0 0 / 0.05);
  --edgerec-accent: #3b5bdb;
  --edgerec-chip-bg: #eef1fd;
  --edgerec-chip-text: #3b5bdb;
  --edgerec-media-bg: #f3f3f6;
  --edgerec-radius: 14px;
  --edgerec-gap: 16px;
  --edgerec-card-min: 180px;
  --edgerec-media-ratio: 4 / 3;
  display: block;
  font-family: var(--edgerec-font);
  color: var(--edgerec-text);
  background: var(--edgerec-bg);
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
/* The UA's [hidden] rule loses to any display set here (.badge is inline-flex): a hidden part stays hidden. */
[hidden] { display: none !important; }
.head { display: flex; align-items: baseline; justify-content: space-between; gap: 12px; margin: 0 0 12px; }
h2 { font-size: 1.25rem; font-weight: 650; letter-spacing: -0.01em; margin: 0; }
.badge { font-size: 0.75rem; color: var(--edgerec-muted); display: inline-flex; align-items: center; gap: 6px; }
.badge::before { content: ""; width: 7px; height: 7px; border-radius: 50%; background: #2f9e44; }
:host([private]) .badge::before { background: var(--edgerec-accent); }
ul { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--edgerec-gap);
  grid-template-columns: repeat(auto-fill, minmax(var(--edgerec-card-min), 1fr)); }
li { display: flex; }
.card { all: unset; box-sizing: border-box; display: flex; flex-direction: column; width: 100%; cursor: pointer;
  background: var(--edgerec-card-bg); border: 1px solid var(--edgerec-card-border); border-radius: var(--edgerec-radius);
  box-shadow: var(--edgerec-card-shadow); overflow: hidden; color: inherit; text-decoration: none;
  transition: transform 120ms ease, box-shadow 120ms ease; }
.card:hover { transform: translateY(-2px); box-shadow: 0 2px 4px rgb(0 0 0 / 0.06), 0 10px 24px rgb(0 0 0 / 0.09); }
.card:focus-visible { outline: 3px solid var(--edgerec-accent); outline-offset: 2px; }
.media { display: block; aspect-ratio: var(--edgerec-media-ratio); background: var(--edgerec-media-bg); position: relative; }
.media img { width: 100%; height: 100%; object-fit: cover; display: block; }
.placeholder { position: absolute; inset: 0; display: grid; place-items: center; font-size: 2rem; font-weight: 700;
  color: var(--edgerec-accent); opacity: 0.55; }
.body { display: flex; flex-direction: column; gap: 6px; padding: 12px 14px 14px; flex: 1; }
.chips { display: flex; flex-wrap: wrap; gap: 4px; }
.chip { font-size: 0.7rem; font-weight: 600; letter-spacing: 0.02em; text-transform: uppercase; padding: 2px 8px;
  border-radius: 999px; background: var(--edgerec-chip-bg); color: var(--edgerec-chip-text); }
.title { font-size: 0.95rem; font-weight: 600; line-height: 1.3; }
.price { font-size: 0.9rem; color: var(--edgerec-text); }
.reason { margin-top: auto; font-size: 0.78rem; color: var(--edgerec-muted); line-height: 1.35; }
.status { font-size: 0.9rem; color: var(--edgerec-muted); padding: 8px 0; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skeleton .media, .skeleton .line { background: linear-gradient(90deg, #f0f0f3 25%, #e6e6ea 50%, #f0f0f3 75%);
  background-size: 200% 100%; animation: shimmer 1.2s infinite; }
.skeleton .line { height: 12px; border-radius: 6px; }
@keyframes shimmer { to { background-position: -200% 0; } }
@media (prefers-reduced-motion: reduce) { .card, .skeleton .media, .skeleton .line { transition: none; animation: none; } }
`;
