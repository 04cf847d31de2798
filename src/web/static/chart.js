// uPlot wrappers. The figures drawn are also written on the container (data-total) and in a
// table beside each chart, so the numbers stay readable without seeing colours.
import uPlot from '/vendor/uplot.esm.js';
import { SERIES } from './palette.js';

/** A stepped line chart: `x` in epoch seconds, `series` as `[{ label, values }]`. */
export function timeChart(container, x, series, { height = 260, title } = {}) {
  const width = Math.max(320, container.clientWidth - 16 || 640);
  const opts = {
    title, width, height,
    scales: { x: { time: true } },
    axes: [{}, { label: 'deferrals' }],
    series: [{}, ...series.map((s, i) => ({
      label: s.label, stroke: SERIES[i % SERIES.length], width: 2, paths: uPlot.paths.stepped({ align: 1 }),
      points: { show: false },
    }))],
  };
  container.replaceChildren();
  container.dataset.total = String(series.reduce((sum, s) => sum + s.values.reduce((a, b) => a + b, 0), 0));
  return new uPlot(opts, [x, ...series.map((s) => s.values)], container);
}

/** A bar chart for categories (the retry funnel): `labels[i]` with `values[i]`. */
export function barChart(container, labels, values, { height = 260, title, yLabel } = {}) {
  const width = Math.max(320, container.clientWidth - 16 || 640);
  const x = labels.map((_, i) => i);
  const opts = {
    title, width, height,
    scales: { x: { time: false, range: [-0.6, Math.max(0, labels.length - 0.4)] } },
    axes: [{ values: (_u, ticks) => ticks.map((t) => labels[t] ?? '') , splits: () => x }, { label: yLabel }],
    series: [{}, {
      label: yLabel, fill: SERIES[0], stroke: SERIES[0], paths: uPlot.paths.bars({ size: [0.6, 80] }), points: { show: false },
    }],
  };
  container.replaceChildren();
  container.dataset.total = String(values.reduce((a, b) => a + b, 0));
  return new uPlot(opts, [x, values], container);
}
