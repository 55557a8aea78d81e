// The pages' one stylesheet, inlined: a report is a single file that works offline.
export const CSS = `
:root{--pass:#1a7f37;--fail:#cf222e;--xfail:#9a6700;--na:#6e7781;--err:#8250df;--bg:#fff;--fg:#1f2328;--mute:#656d76;--line:#d0d7de}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1400px;padding:1rem 1.5rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}h3{font-size:1.05rem}
code,pre,.id{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}pre{background:#f6f8fa;padding:.5rem .7rem;overflow:auto;border-radius:4px;margin:.3rem 0}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid var(--line);padding:.2rem .45rem;text-align:left;vertical-align:top}th{background:#f6f8fa;position:sticky;top:0}
.num{text-align:right;font-variant-numeric:tabular-nums}.mute{color:var(--mute)}nav a{margin-right:.8rem}
.c{font-weight:600;white-space:nowrap}.c-passed{color:var(--pass);background:#dafbe1}.c-failed{color:#fff;background:var(--fail)}.c-expected-fail{color:var(--xfail);background:#fff8c5}
.c-not-applicable,.c-not-run,.c-no-scenario{color:var(--na);background:#f6f8fa;font-weight:400}.c-errored{color:#fff;background:var(--err)}
tr.area th{background:#eaeef2;text-align:left}.bar{display:inline-block;height:.6rem;background:var(--pass);vertical-align:middle}.barbg{display:inline-block;width:80px;height:.6rem;background:#eee;margin-right:.3rem}
.badges img,.badges svg{margin-right:.4rem;vertical-align:middle}
#filters{display:none;gap:.8rem;flex-wrap:wrap;align-items:end;background:#f6f8fa;padding:.5rem .7rem;border-radius:4px;position:sticky;top:0;z-index:2}
.js #filters{display:flex}#filters label{display:flex;flex-direction:column;font-size:12px;color:var(--mute)}
details.rule{border:1px solid var(--line);border-radius:4px;margin:.4rem 0;padding:.3rem .6rem}details.rule>summary{cursor:pointer}
.finding{border-left:4px solid var(--xfail);padding:.2rem .8rem;margin:.6rem 0;background:#fffdf0}.finding p{margin:.25rem 0}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.3rem 0}dl.kv dt{color:var(--mute)}dl.kv dd{margin:0}
.level{font-size:11px;border:1px solid var(--line);border-radius:8px;padding:0 .4rem;color:var(--mute)}
.hidden{display:none}
@media print{#filters{display:none!important}}
`;
