import * as api from '../api.js';
import { heat, VIRIDIS } from '../palette.js';
import { fmtNumber, h } from '../ui.js';

export const title = 'Time of day';
// Row i of the metrics' timeOfDay grid is weekday i, 0 = Monday (src/metrics/metrics.ts).
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The hour × weekday heatmap of deferrals, in viridis steps with the count in every cell that has one (zero is left blank so the pattern stands out). */
export function mount(root, ctx) {
  const grid = h('div');
  const heading = h('h2', {}, 'Deferrals by weekday and hour');
  root.append(heading, grid);
  let last = '';
  return async () => {
    const w = await ctx.timeWindow();
    heading.textContent = `Deferrals by weekday and hour (${w.timeZone ?? 'UTC'})`;
    const sum = await api.summary(w.from, w.to);
    const key = JSON.stringify(sum.timeOfDay);
    if (key === last) return;
    last = key;
    const m = Array.isArray(sum.timeOfDay) ? sum.timeOfDay : [];
    const max = Math.max(0, ...m.flat().map(Number).filter(Number.isFinite));
    const hours = Array.from({ length: 24 }, (_, i) => i);
    grid.replaceChildren(
      h('table', { class: 'heatmap', 'data-testid': 'heatmap' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'day'), hours.map((hr) => h('th', { scope: 'col' }, String(hr).padStart(2, '0'))))),
        h('tbody', {}, DAYS.map((day, d) => h('tr', {}, h('th', { scope: 'row' }, day.slice(0, 3)), hours.map((hr) => {
          const n = Number(m[d]?.[hr] ?? 0);
          const c = heat(n, max);
          const cell = h('td', { title: `${day} ${hr}:00–${hr + 1}:00: ${n} deferrals`, 'data-day': d, 'data-hour': hr }, n ? fmtNumber(n) : '');
          cell.style.background = c.bg;
          cell.style.color = c.fg;
          return cell;
        }))))),
      h('div', { class: 'legend' }, '0', VIRIDIS.map((bg) => { const s = h('span', { class: 'swatch' }); s.style.background = bg; return s; }), fmtNumber(max)),
    );
  };
}
