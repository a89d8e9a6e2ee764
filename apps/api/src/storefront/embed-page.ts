/**
 * The no-code embed (GET /s/{publishableKey}): one server-rendered, self-contained page that fits the
 * documented iframe (max-width 480px, height 760px). A small inline script (nonce-allowed by the CSP)
 * talks to the public /api/storefront endpoints with the page's own key.
 */
export interface EmbedProduct {
  id: string;
  title: string;
  description: string | null;
  image_url: string | null;
  variants: { id: string; title: string | null; price: number; currency: string; available: boolean; quantity_available: number | null }[];
}

export interface EmbedModel {
  key: string;
  name: string;
  logoUrl: string | null;
  accent: string;
  currency: string;
  paymentsEnabled: boolean;
  allowQuotes: boolean;
  fileTypes: string[];
  maxFileBytes: number;
  products: EmbedProduct[];
  nonce: string;
}

export function esc(s: string | null | undefined): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const ACCEPT: Record<string, string> = { stl: '.stl', obj: '.obj', '3mf': '.3mf', pdf: '.pdf,application/pdf', png: '.png,image/png', jpeg: '.jpg,.jpeg,image/jpeg' };

/** The frame-ancestors directive: the allowed origins, or any site when none are configured. */
export function frameAncestors(origins: string[]): string {
  return origins.length ? `frame-ancestors 'self' ${origins.join(' ')}` : 'frame-ancestors *';
}

export function embedCsp(nonce: string, origins: string[]): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    'img-src https: http: data:',
    "connect-src 'self'",
    "form-action 'none'",
    "base-uri 'none'",
    frameAncestors(origins),
  ].join('; ');
}

const STYLE = `
*{box-sizing:border-box}
html,body{margin:0;padding:0}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2330;background:#fff;max-width:480px;margin:0 auto;min-height:100vh}
header{display:flex;align-items:center;gap:10px;padding:16px 18px 8px}
header img{width:40px;height:40px;object-fit:contain;border-radius:8px}
h1{font-size:19px;margin:0}
h2{font-size:16px;margin:0 0 8px}
.sub{margin-top:14px}
main{padding:0 18px 18px}
[role=tablist]{display:flex;gap:4px;border-bottom:1px solid #e3e5ec;margin:8px 0 14px}
[role=tab]{flex:1;padding:10px 6px;border:0;background:none;font:inherit;font-weight:600;color:#5b6070;border-bottom:3px solid transparent;cursor:pointer}
[role=tab][aria-selected=true]{color:var(--accent);border-bottom-color:var(--accent)}
label{display:block;font-weight:600;font-size:13px;margin:10px 0 4px}
.opt{font-weight:400;color:#6b7080}
input,select,textarea{width:100%;padding:9px 10px;border:1px solid #c9ccd6;border-radius:8px;font:inherit;background:#fff;color:inherit}
textarea{min-height:84px;resize:vertical}
input:focus,select:focus,textarea:focus,button:focus-visible,[role=tab]:focus-visible{outline:3px solid color-mix(in srgb,var(--accent) 45%,transparent);outline-offset:1px;border-color:var(--accent)}
input[aria-invalid=true],textarea[aria-invalid=true]{border-color:#c62828}
.row{display:flex;gap:10px}.row>div{flex:1}
.price{font-size:22px;font-weight:700;margin:12px 0 4px}
.muted{color:#6b7080;font-size:13px}
.btn{display:block;width:100%;margin-top:16px;padding:12px;border:0;border-radius:10px;background:var(--accent);color:#fff;font:inherit;font-weight:700;cursor:pointer}
.btn[disabled]{opacity:.55;cursor:not-allowed}
.note{padding:10px 12px;border-radius:8px;background:#f3f4f8;margin:10px 0}
.error{background:#fdecea;color:#8e1c1c}
.ok{background:#e8f5e9;color:#1b5e20}
.field-error{color:#c62828;font-size:12px;margin-top:3px;min-height:0}
.hidden{display:none}
a{color:var(--accent)}
`;

export function renderEmbedPage(m: EmbedModel): string {
  const productOptions = m.products
    .map((p) => `<option value="${esc(p.id)}">${esc(p.title)}</option>`)
    .join('');
  const data = {
    key: m.key,
    payments: m.paymentsEnabled,
    maxFileBytes: m.maxFileBytes,
    fileTypes: m.fileTypes,
    products: m.products.map((p) => ({ id: p.id, title: p.title, description: p.description, variants: p.variants })),
  };
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const accept = m.fileTypes.map((t) => ACCEPT[t]).filter(Boolean).join(',');
  const typesText = m.fileTypes.map((t) => t.toUpperCase()).join(', ');
  const maxMb = Math.round((m.maxFileBytes / 1048576) * 10) / 10;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="strict-origin-when-cross-origin">
<title>${esc(m.name)}: order</title>
<style nonce="${m.nonce}">:root{--accent:${esc(m.accent)}}${STYLE}</style>
</head>
<body>
<header>${m.logoUrl ? `<img src="${esc(m.logoUrl)}" alt="">` : ''}<h1>${esc(m.name)}</h1></header>
<main>
<div id="banner" class="note hidden" role="status" aria-live="polite"></div>
<div role="tablist" aria-label="What would you like to do?">
  <button role="tab" id="tab-order" aria-controls="panel-order" aria-selected="true">Order</button>
  ${m.allowQuotes ? '<button role="tab" id="tab-quote" aria-controls="panel-quote" aria-selected="false" tabindex="-1">Custom quote</button>' : ''}
  <button role="tab" id="tab-status" aria-controls="panel-status" aria-selected="false" tabindex="-1" class="hidden">Your quote</button>
</div>

<section role="tabpanel" id="panel-order" aria-labelledby="tab-order">
${
  m.products.length
    ? `<form id="order-form" novalidate>
  <label for="product">Product</label>
  <select id="product" name="product_id" required>${productOptions}</select>
  <div id="variant-wrap"><label for="variant">Option</label><select id="variant" name="variant_id"></select></div>
  <p id="product-desc" class="muted"></p>
  <div class="row">
    <div><label for="quantity">Quantity</label><input id="quantity" name="quantity" type="number" min="1" max="1000" value="1" inputmode="numeric" required></div>
    <div><div class="price" id="total" aria-live="polite"></div><div class="muted" id="availability"></div></div>
  </div>
  <h2 class="sub">Your details</h2>
  <label for="o-name">Name</label><input id="o-name" name="name" autocomplete="name" required maxlength="200"><div class="field-error" id="o-name-err"></div>
  <label for="o-email">Email</label><input id="o-email" name="email" type="email" autocomplete="email" required maxlength="254"><div class="field-error" id="o-email-err"></div>
  <label for="o-phone">Phone <span class="opt">(optional)</span></label><input id="o-phone" name="phone" type="tel" autocomplete="tel" maxlength="40">
  <label for="o-address">Delivery address</label><textarea id="o-address" name="address" autocomplete="street-address" required maxlength="1000"></textarea><div class="field-error" id="o-address-err"></div>
  ${m.paymentsEnabled ? '' : '<p class="note error" id="payments-off">Payments aren\'t set up for this store yet, so orders can\'t be paid here. Please contact the store.</p>'}
  <button class="btn" id="pay" type="submit"${m.paymentsEnabled ? '' : ' disabled'}>Pay</button>
  <div class="note error hidden" id="order-error" role="alert"></div>
</form>`
    : '<p class="note">Nothing is offered for direct ordering right now.' + (m.allowQuotes ? ' Ask for a custom quote instead.' : '') + '</p>'
}
</section>

${
  m.allowQuotes
    ? `<section role="tabpanel" id="panel-quote" aria-labelledby="tab-quote" class="hidden">
<form id="quote-form" novalidate>
  <label for="q-desc">What do you need?</label><textarea id="q-desc" name="description" required maxlength="5000"></textarea><div class="field-error" id="q-desc-err"></div>
  <label for="q-qty">Quantity</label><input id="q-qty" name="quantity" type="number" min="1" max="100000" value="1" inputmode="numeric">
  <label for="q-file">File <span class="opt">(optional: ${esc(typesText)}, up to ${maxMb} MB)</span></label><input id="q-file" name="file" type="file" accept="${esc(accept)}"><div class="field-error" id="q-file-err"></div>
  <label for="q-link">Or a link to your file <span class="opt">(optional)</span></label><input id="q-link" name="file_url" type="url" maxlength="2048" placeholder="https://">
  <h2 class="sub">Your details</h2>
  <label for="q-name">Name</label><input id="q-name" name="name" autocomplete="name" required maxlength="200"><div class="field-error" id="q-name-err"></div>
  <label for="q-email">Email</label><input id="q-email" name="email" type="email" autocomplete="email" required maxlength="254"><div class="field-error" id="q-email-err"></div>
  <label for="q-phone">Phone <span class="opt">(optional)</span></label><input id="q-phone" name="phone" type="tel" autocomplete="tel" maxlength="40">
  <button class="btn" id="send-quote" type="submit">Request a quote</button>
  <div class="note error hidden" id="quote-error" role="alert"></div>
</form>
<div id="quote-done" class="note ok hidden" role="status"></div>
</section>`
    : ''
}

<section role="tabpanel" id="panel-status" aria-labelledby="tab-status" class="hidden">
  <div id="status-body" aria-live="polite"></div>
  <button class="btn hidden" id="accept" type="button">Accept &amp; pay</button>
  <div class="note error hidden" id="status-error" role="alert"></div>
</section>
</main>
<script type="application/json" id="sf-data">${json}</script>
<script nonce="${m.nonce}">${SCRIPT}</script>
</body>
</html>`;
}

const SCRIPT = `(function(){
'use strict';
var D=JSON.parse(document.getElementById('sf-data').textContent);
var $=function(id){return document.getElementById(id)};
var api=function(path){return '/api/storefront/'+path+(path.indexOf('?')<0?'?':'&')+'key='+encodeURIComponent(D.key)};
function fmt(n,c){try{return new Intl.NumberFormat(undefined,{style:'currency',currency:c}).format(n)}catch(e){return n+' '+c}}
function show(el,on){if(el)el.classList.toggle('hidden',!on)}
function say(el,text){if(!el)return;el.textContent=text;show(el,!!text)}
function go(url){try{window.top.location.href=url}catch(e){window.location.href=url}}
async function call(method,path,body,isForm){
  var opts={method:method,headers:{}};
  if(body&&!isForm){opts.headers['Content-Type']='application/json';opts.body=JSON.stringify(body)}
  if(isForm)opts.body=body;
  var r=await fetch(api(path),opts);var j={};try{j=await r.json()}catch(e){}
  if(!r.ok){var err=new Error(j.error||('Something went wrong ('+r.status+')'));err.status=r.status;err.details=j.details;throw err}
  return j;
}
// tabs
var tabs=[].slice.call(document.querySelectorAll('[role=tab]'));
function select(tab){tabs.forEach(function(t){var on=t===tab;t.setAttribute('aria-selected',on);t.tabIndex=on?0:-1;show($(t.getAttribute('aria-controls')),on)});tab.focus()}
tabs.forEach(function(t,i){t.addEventListener('click',function(){select(t)});t.addEventListener('keydown',function(e){var vis=tabs.filter(function(x){return !x.classList.contains('hidden')});var k=vis.indexOf(t);if(e.key==='ArrowRight'){select(vis[(k+1)%vis.length]);e.preventDefault()}if(e.key==='ArrowLeft'){select(vis[(k-1+vis.length)%vis.length]);e.preventDefault()}})});
var params=new URLSearchParams(location.search);
if(params.get('checkout')==='success'){say($('banner'),'Thank you! Your payment was received.');$('banner').classList.add('ok')}
if(params.get('checkout')==='cancelled'){say($('banner'),'Payment cancelled: nothing was charged.')}
function required(input,errId,msg){var ok=input.value.trim()!==''&&(input.type!=='email'||/^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$/.test(input.value.trim()));input.setAttribute('aria-invalid',!ok);input.setAttribute('aria-describedby',errId);say($(errId),ok?'':msg);return ok}
document.addEventListener('input',function(e){var t=e.target;if(t&&t.getAttribute&&t.getAttribute('aria-invalid')==='true'){t.setAttribute('aria-invalid','false');say($(t.id+'-err'),'')}});
// order
var form=$('order-form');
if(form){
  var product=$('product'),variant=$('variant'),qty=$('quantity');
  function current(){var p=D.products.find(function(x){return x.id===product.value});var v=p&&p.variants.find(function(x){return x.id===variant.value});return {p:p,v:v}}
  function fillVariants(){var p=D.products.find(function(x){return x.id===product.value});variant.innerHTML='';p.variants.forEach(function(v){var o=document.createElement('option');o.value=v.id;o.textContent=(v.title||p.title)+' ('+fmt(v.price,v.currency)+')'+(v.available?'':' (sold out)');o.disabled=!v.available;variant.appendChild(o)});$('product-desc').textContent=p.description||'';var first=p.variants.find(function(v){return v.available});if(first)variant.value=first.id;show($('variant-wrap'),p.variants.length>1);update()}
  function update(){var c=current();var n=Math.max(1,parseInt(qty.value,10)||1);$('total').textContent=c.v?fmt(c.v.price*n,c.v.currency):'';$('availability').textContent=c.v&&!c.v.available?'Sold out':'';$('pay').disabled=!D.payments||!c.v||!c.v.available}
  product.addEventListener('change',fillVariants);variant.addEventListener('change',update);qty.addEventListener('input',update);fillVariants();
  form.addEventListener('submit',async function(e){e.preventDefault();say($('order-error'),'');
    var ok=[required($('o-name'),'o-name-err','Please enter your name'),required($('o-email'),'o-email-err','Please enter a valid email address'),required($('o-address'),'o-address-err','Please enter the delivery address')].every(Boolean);
    if(!ok){form.querySelector('[aria-invalid=true]').focus();return}
    var c=current();var btn=$('pay');btn.disabled=true;btn.textContent='Redirecting to payment…';
    try{var r=await call('POST','order',{product_id:c.p.id,variant_id:c.v.id,quantity:Math.max(1,parseInt(qty.value,10)||1),customer:{name:$('o-name').value.trim(),email:$('o-email').value.trim(),phone:$('o-phone').value.trim(),address:$('o-address').value.trim()}});go(r.checkout_url)}
    catch(err){say($('order-error'),err.message);btn.disabled=false;btn.textContent='Pay'}
  });
}
// quote request
var qform=$('quote-form');
if(qform){
  qform.addEventListener('submit',async function(e){e.preventDefault();say($('quote-error'),'');say($('q-file-err'),'');
    var ok=[required($('q-desc'),'q-desc-err','Please describe what you need'),required($('q-name'),'q-name-err','Please enter your name'),required($('q-email'),'q-email-err','Please enter a valid email address')].every(Boolean);
    var file=$('q-file').files[0];
    if(file&&file.size>D.maxFileBytes){say($('q-file-err'),'This file is too large');ok=false}
    if(!ok){var bad=qform.querySelector('[aria-invalid=true]');if(bad)bad.focus();return}
    var btn=$('send-quote');btn.disabled=true;btn.textContent='Sending…';
    try{
      var body={customer:{name:$('q-name').value.trim(),email:$('q-email').value.trim(),phone:$('q-phone').value.trim()},description:$('q-desc').value.trim(),quantity:Math.max(1,parseInt($('q-qty').value,10)||1)};
      if(file){var fd=new FormData();fd.append('file',file);var up=await call('POST','upload',fd,true);body.file_ids=[up.file_id]}
      var link=$('q-link').value.trim();if(link)body.file_url=link;
      var q=await call('POST','quote',body);
      var url=location.pathname+'?quote='+encodeURIComponent(q.quote_id)+'&token='+encodeURIComponent(q.access_token);
      show(qform,false);var done=$('quote-done');done.textContent='';
      done.appendChild(document.createTextNode('Thanks! Your request was sent. Keep this link to see the price and pay: '));
      var a=document.createElement('a');a.href=location.origin+url;a.target='_blank';a.rel='noopener';a.id='quote-link';a.textContent='your quote';done.appendChild(a);show(done,true);done.focus&&done.focus();
    }catch(err){say($('quote-error'),err.message)}
    finally{btn.disabled=false;btn.textContent='Request a quote'}
  });
}
// quote status
var qid=params.get('quote'),qtok=params.get('token');
async function loadQuote(){
  var body=$('status-body');
  try{var q=await call('GET','quote?id='+encodeURIComponent(qid)+'&token='+encodeURIComponent(qtok));
    body.textContent='';
    var h=document.createElement('h2');h.textContent='Quote: '+q.status.charAt(0).toUpperCase()+q.status.slice(1);h.id='quote-status';body.appendChild(h);
    var d=document.createElement('p');d.textContent=q.description;d.className='muted';body.appendChild(d);
    if(q.amount!==null){var p=document.createElement('div');p.className='price';p.id='quote-price';p.textContent=fmt(q.amount,q.currency);body.appendChild(p)}
    if(q.note){var n=document.createElement('p');n.textContent=q.note;body.appendChild(n)}
    if(q.valid_until&&q.status==='quoted'){var v=document.createElement('p');v.className='muted';v.textContent=(q.expired?'Expired on ':'Valid until ')+new Date(q.valid_until).toLocaleString();body.appendChild(v)}
    var msg={pending:'The store is preparing your price. Check back soon.',accepted:'Accepted: complete the payment to confirm your order.',paid:'Paid. Thank you! Your order is being prepared.',rejected:'The store could not take on this request.'}[q.status];
    if(msg){var s=document.createElement('p');s.className='note';s.textContent=msg;body.appendChild(s)}
    var acc=$('accept');show(acc,(q.status==='quoted'&&!q.expired)||q.status==='accepted');acc.disabled=!D.payments;
    if(!D.payments&&(q.status==='quoted'||q.status==='accepted'))say($('status-error'),"Payments aren't set up for this store yet. Please contact the store.");
  }catch(err){body.textContent=err.status===404?'This quote link is not valid.':err.message}
}
if(qid&&qtok){var st=$('tab-status');st.classList.remove('hidden');select(st);loadQuote();
  $('accept').addEventListener('click',async function(){var b=this;b.disabled=true;b.textContent='Redirecting to payment…';say($('status-error'),'');
    try{var r=await call('POST','quote/accept',{quote_id:qid,token:qtok});go(r.checkout_url)}catch(err){say($('status-error'),err.message);b.disabled=false;b.textContent='Accept & pay'}});
}
})();`;

export function renderNotFoundPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Store not available</title>
<style>body{font:15px/1.5 system-ui,sans-serif;color:#1f2330;max-width:480px;margin:0 auto;padding:40px 18px;text-align:center}h1{font-size:20px}</style></head>
<body><main><h1>This store isn't available</h1><p>The link may be out of date, or the store has paused online orders. Please check with the shop you came from.</p></main></body></html>`;
}
