// The page's only script: shows the filter form and hides matrix rows that do
// not match (area, cell status on one or any backend, text). Without it the
// matrix is whole and readable.
export const FILTER_SCRIPT = `(function(){
document.documentElement.classList.add('js');
var $=function(id){return document.getElementById(id)};
var rows=[].slice.call(document.querySelectorAll('#matrix tr.rule'));
function apply(e){
var area=$('f-area').value,st=$('f-status').value,b=$('f-backend').value,t=$('f-text').value.trim().toLowerCase(),n=0;
rows.forEach(function(r){
var cells=r.getAttribute('data-cells').split(' '),pick=b===''?cells:[cells[+b]];
var ok=(!area||r.getAttribute('data-area')===area)&&(!t||r.getAttribute('data-text').indexOf(t)>=0);
if(ok&&st==='differs')ok=cells.some(function(c){return c!==cells[0]});
else if(ok&&st)ok=pick.indexOf(st)>=0;
r.classList.toggle('hidden',!ok);if(ok)n++;});
[].forEach.call(document.querySelectorAll('#matrix tbody'),function(tb){tb.classList.toggle('hidden',!tb.querySelector('tr.rule:not(.hidden)'))});
$('f-count').textContent=n+' of '+rows.length+' rules';
if(!e)return;var q=new URLSearchParams();if(area)q.set('area',area);if(st)q.set('status',st);if(b)q.set('backend',b);if(t)q.set('q',t);
history.replaceState(null,'',q.toString()?'#?'+q:location.pathname);}
var q=new URLSearchParams((location.hash.match(/^#\\?(.*)/)||[])[1]||'');
$('f-area').value=q.get('area')||'';$('f-status').value=q.get('status')||'';$('f-backend').value=q.get('backend')||'';$('f-text').value=q.get('q')||'';
['f-area','f-status','f-backend','f-text'].forEach(function(id){$(id).addEventListener('input',apply)});
apply();})();`;
