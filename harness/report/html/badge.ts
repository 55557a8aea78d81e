// A shields-style badge per backend: "iommufd <backend> | passed/total rules",
// coloured by the share of rules passed. Plain SVG, no fonts to fetch.
import { h } from './escape.ts';
import { shortName, type Score } from '../matrix.ts';

/** A width estimate for Verdana 11px per character (shields.io measures the same font). */
const width = (s: string) => Math.round([...s].reduce((w, c) => w + (/[A-Z0-9_]/.test(c) ? 7.5 : /[ilj.:,'|]/.test(c) ? 3.5 : 6.6), 0) + 12);

export function badgeColor(s: Score): string {
  if (!s.total) return '#9f9f9f';
  const r = s.passed / s.total;
  return r === 1 ? '#4c1' : r >= 0.95 ? '#97ca00' : r >= 0.8 ? '#dfb317' : r >= 0.5 ? '#fe7d37' : '#e05d44';
}

export function badgeSvg(backend: string, s: Score): string {
  const left = `iommufd ${shortName(backend)}`;
  const right = s.total ? `${s.passed}/${s.total} rules` : 'no result';
  const lw = width(left);
  const rw = width(right);
  const w = lw + rw;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${h(`${left}: ${right}`)}"><title>${h(`${left}: ${right}`)}</title>`
    + `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`
    + `<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>`
    + `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${rw}" height="20" fill="${badgeColor(s)}"/><rect width="${w}" height="20" fill="url(#s)"/></g>`
    + `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">`
    + `<text x="${lw / 2}" y="14">${h(left)}</text><text x="${lw + rw / 2}" y="14">${h(right)}</text></g></svg>`;
}
