// Colour-blind-safe colours. Series: Okabe & Ito (2008), distinguishable with every common
// colour-vision deficiency. Heatmap: nine steps sampled from viridis, which stays ordered in
// lightness (so it also reads in greyscale).
export const SERIES = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

/** The viridis step for `value` in [0, max], and a text colour readable on it. */
export function heat(value, max) {
  if (!(max > 0) || !(value > 0)) return { bg: 'transparent', fg: 'inherit' };
  const i = Math.min(VIRIDIS.length - 1, Math.floor((value / max) * (VIRIDIS.length - 1) + 0.5));
  return { bg: VIRIDIS[i], fg: i >= 5 ? '#000' : '#fff' };
}
