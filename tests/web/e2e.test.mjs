// End-to-end tests of the analysts' web page: the real `vigil serve` on a free loopback
// port with the bundled sample list (an empty data folder: nothing fetched), driven in
// Debian's headless Chromium by playwright-core.
// VIGIL_BINARY names the program (default: build/vigil); VIGIL_SCREENSHOTS (default:
// tests/web/screenshots/, ignored by git; SCREENSHOT_DIR is the older name) receives
// results.png and entity.png, and queue.png, queue-all.png, alert.png, alert-realert.png,
// party.png, queue-updates.png and alert-delisted.png of the case pages.
import {test, before, after, describe} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {chromium} from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = process.env.VIGIL_BINARY || path.join(here, '..', '..', 'build', 'vigil');
const shots = process.env.VIGIL_SCREENSHOTS || process.env.SCREENSHOT_DIR || path.join(here, 'screenshots');
const fixtures = path.join(here, '..', 'fixtures');
const sampleDir = path.join(here, '..', '..', 'data', 'sample');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

let server;
let base;
let browser;

// Starts `vigil serve --port 0` and resolves with its URL from the "listening" log line.
// `extra`: more arguments (e.g. --lists ...).
function startServer(extra = []) {
  return new Promise((resolve, reject) => {
    // An empty data folder: the lists fetched on this machine, if any, are not used.
    const env = {...process.env, VIGIL_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'vigil-data-'))};
    delete env.VIGIL_SAMPLE_DIR;
    const child = spawn(binary, ['serve', '--port', '0', ...extra],
                        {stdio: ['ignore', 'ignore', 'pipe'], env});
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('vigil serve did not start: ' + buffered)), 30000);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`vigil serve exited with ${code}: ${buffered}`)));
    child.stderr.on('data', (chunk) => {
      buffered += chunk;
      for (const line of buffered.split('\n')) {
        if (!line.startsWith('{')) continue;
        let entry;
        try { entry = JSON.parse(line); } catch { continue; }
        if (entry.msg === 'listening') {
          clearTimeout(timer);
          resolve({child, url: `http://127.0.0.1:${entry.port}`});
        }
      }
    });
  });
}

async function waitReady(url) {
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(url + '/readyz');
      if (r.status === 200) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server never became ready');
}

before(async () => {
  assert.ok(existsSync(binary), `no vigil program at ${binary} (set VIGIL_BINARY)`);
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath} (apt-get install chromium)`);
  const s = await startServer();
  server = s.child;
  base = s.url;
  await waitReady(base);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(shots, {recursive: true});
});

after(async () => {
  if (browser) await browser.close();
  if (server) { server.removeAllListeners('exit'); server.kill('SIGTERM'); }
});

test('search shows ranked results with the matched name highlighted', async () => {
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(base + '/');
  // The list versions in use are shown.
  await page.waitForFunction(() => document.getElementById('lists').textContent.includes('version'));
  assert.match(await page.textContent('#lists'), /40 entities/);
  // Type and press Enter, as an analyst would.
  await page.fill('#q', 'Kim Jong Un');
  await page.press('#q', 'Enter');
  await page.waitForSelector('#results li.result');
  const first = page.locator('#results li.result').first();
  assert.equal(await first.getAttribute('data-id'), 'us_ofac_sdn:20157');
  assert.match(await first.locator('.title').textContent(), /KIM, Jong Un/);
  assert.match(await first.locator('.badge').textContent(), /match/);
  const marks = await first.locator('.matched mark').allTextContents();
  assert.deepEqual(marks.map((m) => m.toUpperCase()).sort(), ['JONG', 'KIM', 'UN']);
  assert.ok(await first.locator('.tok').count() >= 3, 'token pairs shown');
  assert.match(await page.textContent('#status'), /result/);
  assert.ok(page.url().includes('#/search?q=Kim+Jong+Un'), 'the search is in the address');

  // The screenshot shows the results: the first card is inside the visible page and the
  // image is a real picture of it (not blank).
  const box = await first.boundingBox();
  assert.ok(box && box.y >= 0 && box.y + box.height <= 800 && box.height > 40, JSON.stringify(box));
  const file = path.join(shots, 'results.png');
  await page.screenshot({path: file});
  assert.ok(statSync(file).size > 20000, 'screenshot has content');
  const card = await first.screenshot();
  assert.ok(card.length > 5000, 'result card rendered');
  assert.deepEqual(errors, []);
  await page.close();
});

test('token chips speak in the words as written, with the rule that related them', async () => {
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The sample lists PARK, Jin Hyok; "Hyuk" is another romanization of its last syllable.
  await page.goto(base + '/#/search?q=Park+Jin+Hyuk');
  await page.waitForSelector('#results li.result');
  const first = page.locator('#results li.result').first();
  assert.equal(await first.getAttribute('data-id'), 'us_ofac_sdn:24918');
  const chips = await first.locator('.tok').allTextContents();
  assert.ok(chips.includes('Park = PARK'), JSON.stringify(chips));
  assert.ok(chips.includes('Hyuk ≈ Hyok: same Korean syllable 혁'), JSON.stringify(chips));
  // Never the matcher's own forms: syllable keys (PAK, HYOK) or normalized tokens.
  for (const c of chips) assert.doesNotMatch(c, /\bPAK\b|\bHYOK\b|\bpark\b/, c);
  assert.deepEqual((await first.locator('.matched mark').allTextContents()).sort(), ['Hyok', 'Jin', 'PARK']);

  // Hangul: one chip for the word, naming the transliteration and the syllables.
  await page.goto(base + '/#/search?q=' + encodeURIComponent('김정은'));
  await page.waitForFunction(() => document.querySelector('#results li.result .tok') &&
    document.querySelector('#results li.result .tok').textContent.startsWith('김정은'));
  const hangul = await page.locator('#results li.result').first().locator('.tok').allTextContents();
  assert.deepEqual(hangul, ['김정은 ≈ KIM, Jong Un: Hangul transliterated; same Korean syllables 김 정 은']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard: / focuses search, arrows select, Enter opens the entity, Esc goes back', async () => {
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  await page.goto(base + '/');
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
  await page.keyboard.type('Korea Mining Development Trading Corporation');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#results li.result');
  await page.keyboard.press('ArrowDown');
  const selectedId = await page.getAttribute('#results li.result.selected', 'data-id');
  assert.ok(selectedId, 'a result is selected');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#entity h1');
  assert.ok(decodeURIComponent(page.url()).endsWith('#/entity/' + selectedId));
  await page.keyboard.press('Escape');
  await page.waitForSelector('#results li.result');
  assert.ok(page.url().includes('#/search?'));
  await page.close();
});

test('entity page shows all its data and related entities', async () => {
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  await page.goto(base + '/#/search?q=JONG+Song+Ho');
  await page.waitForSelector('#results li.result');
  await page.locator('#results li.result').first().click();
  await page.waitForSelector('#entity h1');
  assert.equal(await page.textContent('#entity h1'), 'JONG, Song Ho');
  const text = await page.textContent('#entity');
  assert.match(text, /us_ofac_sdn:48269/);
  assert.match(text, /1972-11-15/);
  assert.match(text, /109110001/);          // passport
  assert.match(text, /DPRK4/);              // program
  assert.match(text, /Related entities/);
  assert.match(text, /JINMYONG JOINT BANK/);  // linked to
  assert.doesNotMatch(text, /\[object|undefined|null/);  // every value rendered as text
  // The related entity is a link to its own page.
  const link = page.locator('#entity table.related a').first();
  await link.click();
  await page.waitForFunction(() => document.querySelector('#entity h1') &&
    document.querySelector('#entity h1').textContent.includes('JINMYONG'));
  const related = await page.textContent('#entity');
  assert.match(related, /linked from/);  // JONG links to it, said in words
  assert.doesNotMatch(related, /linked_to/);
  assert.doesNotMatch(related, /\[object|undefined|null/);
  await page.screenshot({path: path.join(shots, 'entity.png')});
  await page.close();
});

test('a query with no hit and a bad date say so plainly', async () => {
  const page = await browser.newPage();
  await page.goto(base + '/#/search?q=Quentin+Obscurename');
  await page.waitForFunction(() => !document.getElementById('noalert').hidden);
  assert.match(await page.textContent('#noalert'), /No alert for “Quentin Obscurename” on .* as of \d{4}-\d\d-\d\d/);
  await page.goto(base + '/#/search?q=Kim&dob=yesterday');
  await page.waitForFunction(() => document.getElementById('status').classList.contains('error'));
  assert.match(await page.textContent('#status'), /not a date/);
  await page.close();
});

test('the sample is a banner no one can miss, and the footer dates each list', async () => {
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  await page.goto(base + '/');
  await page.waitForFunction(() => !document.getElementById('sample').hidden);
  const banner = await page.textContent('#sample');
  assert.match(banner, /SAMPLE LIST, NOT THE OFFICIAL LISTS/);
  assert.match(banner, /40-entry SAMPLE/);
  assert.match(banner, /vigil fetch/);
  assert.ok(await page.locator('#sample').isVisible());
  const box = await page.locator('#sample').boundingBox();
  assert.ok(box && box.y < 200 && box.height > 10, 'the banner is at the top: ' + JSON.stringify(box));
  // The footer gives each list's publication date and age, not when the server loaded it.
  await page.waitForFunction(() => document.getElementById('lists').textContent.includes('days old'));
  const footer = await page.textContent('#lists');
  assert.match(footer, /published \d{4}-\d\d-\d\d \(date of the file: it states none\), \d+ days? old/);
  assert.match(footer, /\(SAMPLE\)/);
  assert.doesNotMatch(footer, /loaded/);
  // Results say which lists they were screened against.
  await page.fill('#q', 'Kim Jong Un');
  await page.press('#q', 'Enter');
  await page.waitForSelector('#results li.result');
  assert.match(await page.textContent('#status'), /\(SAMPLE\) as of \d{4}-/);
  assert.ok(await page.locator('#sample').isVisible(), 'the banner stays');
  await page.close();
});

test('a search without alert says so with the lists and their dates, weaker results on demand', async () => {
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  await page.goto(base + '/#/search?q=Viktor+Bout');
  await page.waitForFunction(() => !document.getElementById('noalert').hidden);
  assert.match(await page.textContent('#noalert'), /^No alert for “Viktor Bout” on OFAC Specially Designated Nationals \(SDN\) List \(SAMPLE\) as of \d{4}-\d\d-\d\d\./);
  assert.equal(await page.locator('#results li.result').count(), 0, 'no unrelated cards');
  // "Korea Trading" scores under review against two sample entries: no alert, and the
  // weaker results only when asked for.
  await page.goto(base + '/#/search?q=Korea+Trading');
  await page.waitForFunction(() => document.getElementById('noalert').textContent.includes('Korea Trading'));
  assert.equal(await page.locator('#results li.result').count(), 0, 'no cards before asking');
  const more = page.locator('#noalert button');
  assert.equal(await more.count(), 1, 'the weaker results are offered');
  await more.click();
  assert.ok(await page.locator('#results li.result').count() > 0);
  for (const b of await page.locator('#results .badge').allTextContents()) assert.equal(b, 'no alert');
  await page.close();
});

test('an entity opened by its address clears the previous query from the header', async () => {
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  await page.goto(base + '/#/search?q=Kim+Jong+Un');
  await page.waitForSelector('#results li.result');
  assert.equal(await page.inputValue('#q'), 'Kim Jong Un');
  await page.goto(base + '/#/entity/' + encodeURIComponent('us_ofac_sdn:48269'));
  await page.waitForFunction(() => document.querySelector('#entity h1') &&
    document.querySelector('#entity h1').textContent.includes('JONG'));
  assert.equal(await page.inputValue('#q'), '');
  // Back to the results brings the query back.
  await page.goBack();
  await page.waitForSelector('#results li.result');
  assert.equal(await page.inputValue('#q'), 'Kim Jong Un');
  await page.close();
});

test('long ids and names stay inside their cards at a narrow width', async () => {
  const page = await browser.newPage({viewport: {width: 360, height: 740}});
  await page.goto(base + '/#/search?q=Korea+Mining+Development+Trading+Corporation');
  await page.waitForSelector('#results li.result');
  // A card as the page draws it for an id and a name without a place to break (CSL ids
  // are 40 hex digits), beside the real ones.
  await page.evaluate(() => {
    const long = 'us_csl:' + '0123456789abcdef'.repeat(3);
    document.getElementById('results').append(resultItem({
      id: long, name: 'SHENZHENLONGNAMEWITHOUTANYSPACEATALLTECHNOLOGYCOLTD', score: 0.8,
      decision: 'review', kind: 'organization', list: 'us_csl', programs: ['ENTITY-LIST-' + long],
      matched_name: 'SHENZHENLONGNAMEWITHOUTANYSPACEATALLTECHNOLOGYCOLTD', matched_name_kind: 'primary',
      explanation: {tokens: []}}, 99));
  });
  const overflow = await page.evaluate(() => [...document.querySelectorAll('#results li.result')]
    .filter((li) => li.scrollWidth > li.clientWidth + 1).length);
  assert.equal(overflow, 0, 'a card is wider than its box');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
    'the page scrolls sideways');
  await page.close();
});

test('a party on two lists is one card that names the other list', async () => {
  // The sample plus a one-row Consolidated Screening List whose Treasury row is the
  // sample's KIM, Jong Un (the CSL carries OFAC's entry number): one party, one card.
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-csl-'));
  const header = readFileSync(path.join(fixtures, 'csl', 'consolidated.csv'), 'utf8').split('\n')[0];
  const row = ['20157', 'Specially Designated Nationals (SDN) - Treasury Department', '20157',
               'Individual', 'DPRK3', '"KIM, Jong Un"'];
  while (row.length < header.split(',').length) row.push('');
  writeFileSync(path.join(dir, 'consolidated.csv'), header + '\n' + row.join(',') + '\n');
  const s = await startServer(['--lists', sampleDir, path.join(dir, 'consolidated.csv')]);
  try {
    await waitReady(s.url);
    const page = await browser.newPage({viewport: {width: 1280, height: 800}});
    await page.goto(s.url + '/#/search?q=Kim+Jong+Un');
    await page.waitForSelector('#results li.result');
    const cards = page.locator('#results li.result');
    const ids = await cards.evaluateAll((els) => els.map((e) => e.dataset.id));
    assert.equal(ids.filter((id) => id === 'us_ofac_sdn:20157' || id === 'us_csl:20157').length, 1,
                 JSON.stringify(ids));
    const first = cards.first();
    assert.equal(await first.getAttribute('data-id'), 'us_ofac_sdn:20157');
    const also = await first.locator('.also-on').textContent();
    assert.match(also, /also on/);
    assert.match(also, /us_csl:20157/);
    await page.close();
  } finally {
    s.child.removeAllListeners('exit');
    s.child.kill('SIGTERM');
  }
});

// ---- The case pages: alert queue, alert, party (issue 13) ----
//
// A store with four hand-written parties, imported and screened with the CLI against the
// sample list, then `vigil serve --db` on it (the party page screens through the API). Three parties are named after listed people;
// the fourth matches nothing. One party carries a tag with markup: the pages must show it
// as text.

const PARTIES = [
  {id: 'P-1', kind: 'person', name: 'Kim Jong Un', dob: '1984-01-08', nationality: 'KP', tags: ['employee']},
  {id: 'P-2', kind: 'person', name: 'Jong Song Ho', dob: '1972-11-15', tags: ['contractor', '<b>vip</b>']},
  {id: 'P-3', kind: 'person', name: 'Park Jin Hyok', tags: ['contractor']},
  {id: 'P-4', kind: 'person', name: 'Quentin Obscurename', country: 'FR', tags: ['employee']},
];

// Runs the vigil program (with an empty data folder) and returns its standard output.
function vigil(args) {
  const env = {...process.env, VIGIL_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'vigil-data-'))};
  delete env.VIGIL_SAMPLE_DIR;
  const r = spawnSync(binary, args, {env, encoding: 'utf8'});
  assert.equal(r.status, 0, `vigil ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

// The API as a test sees it (no key unless given).
async function call(url, p, {method = 'GET', body, headers = {}} = {}) {
  const res = await fetch(url + p, {method, headers: {...headers, ...(body ? {'Content-Type': 'application/json'} : {})},
                                    body: body ? JSON.stringify(body) : undefined});
  let data = null;
  try { data = await res.json(); } catch { /* not JSON */ }
  return {status: res.status, body: data};
}

function watch(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[139]/.test(m.text())) errors.push(m.text()); });
  return errors;
}

describe('case pages', () => {
  let cs;        // the server on the store
  let db;
  let alertOf;   // party id -> its open alert (from the API) at the start

  before(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-cases-'));
    db = path.join(dir, 'cases.db');
    const file = path.join(dir, 'parties.jsonl');
    writeFileSync(file, PARTIES.map((p) => JSON.stringify(p)).join('\n') + '\n');
    vigil(['parties', 'import', file, '--db', db, '--by', 'alice']);
    vigil(['parties', 'screen', '--db', db, '--lists', sampleDir, '--by', 'alice']);
    const s = await startServer(['--db', db, '--lists', sampleDir]);
    cs = s;
    await waitReady(cs.url);
    const all = await call(cs.url, '/v1/alerts?status=all&limit=500');
    assert.equal(all.status, 200, JSON.stringify(all.body));
    alertOf = {};
    for (const a of all.body.alerts) if (!alertOf[a.party_id] || a.score > alertOf[a.party_id].score) alertOf[a.party_id] = a;
    assert.ok(alertOf['P-1'] && alertOf['P-1'].entity_id === 'us_ofac_sdn:20157', JSON.stringify(all.body.alerts));
    assert.ok(alertOf['P-2'] && alertOf['P-3'], 'P-2 and P-3 alert: ' + JSON.stringify(all.body.alerts));
    assert.equal(alertOf['P-4'], undefined, 'P-4 matches nothing');
  });

  after(() => {
    if (cs) { cs.child.removeAllListeners('exit'); cs.child.kill('SIGTERM'); }
  });

  test('the queue lists the open alerts with counts by state, filters and pages', async () => {
    const page = await browser.newPage({viewport: {width: 1280, height: 800}});
    const errors = watch(page);
    const api = (await call(cs.url, '/v1/alerts?status=open&limit=500')).body;
    assert.ok(api.total >= 3, JSON.stringify(api));
    await page.goto(cs.url + '/alerts');
    await page.waitForSelector('table.queue tr.alert-row');
    const ids = await page.locator('tr.alert-row').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
    assert.deepEqual(ids, api.alerts.map((a) => a.id), 'the rows are the API\'s open alerts, best score first');
    for (const s of ['open', 'escalated', 'true_match', 'false_positive', 'closed']) {
      const n = await page.locator(`#counts a[data-state="${s}"] .n`).textContent();
      assert.equal(Number(n), api.counts[s] || 0, 'count of ' + s);
    }
    assert.match(await page.textContent('#queue-status'), new RegExp(`of ${api.total} alerts`));
    // Each row links to its alert page.
    const p1 = page.locator(`tr.alert-row[data-id="${alertOf['P-1'].id}"]`);
    assert.equal(await p1.locator('a').first().getAttribute('href'), '/alerts/' + alertOf['P-1'].id);
    assert.match(await p1.textContent(), /KIM, Jong Un/);
    // Party data is text: the tag with markup shows its characters, and makes no element.
    const p2 = page.locator(`tr.alert-row[data-id="${alertOf['P-2'].id}"]`);
    assert.ok((await p2.locator('.tag').allTextContents()).includes('<b>vip</b>'));
    assert.equal(await page.locator('table.queue td b').count(), 0);

    // Filter by party tag: only the contractors' alerts.
    await page.fill('#tag', 'contractor');
    await page.click('#filters button[type=submit]');
    await page.waitForFunction(() => location.search.includes('tag=contractor'));
    await page.waitForFunction(() => /tag=contractor/.test(location.search) && document.querySelector('#queue-status').textContent.includes('alert'));
    const contractors = (await call(cs.url, '/v1/alerts?status=open&tag=contractor&limit=500')).body;
    await page.waitForFunction((n) => document.querySelectorAll('tr.alert-row').length === n, contractors.alerts.length);
    const parties = await page.locator('tr.alert-row td:nth-child(5) a').allTextContents();
    assert.ok(parties.length > 0);
    for (const p of parties) assert.ok(p === 'P-2' || p === 'P-3', p);
    // By band (a select applies at once).
    await page.goto(cs.url + '/alerts');
    await page.waitForSelector('tr.alert-row');
    await page.selectOption('#band', 'match');
    await page.waitForFunction(() => location.search.includes('band=match'));
    const matchApi = (await call(cs.url, '/v1/alerts?status=open&band=match&limit=500')).body;
    await page.waitForFunction((n) => document.querySelectorAll('tr.alert-row').length === n && document.querySelector('#queue-status').textContent.includes(' of '), matchApi.alerts.length);
    for (const b of await page.locator('tr.alert-row td:nth-child(3)').allTextContents()) assert.equal(b, 'match');
    // A party without alerts: said so.
    await page.goto(cs.url + '/alerts?party=P-4');
    await page.waitForFunction(() => document.querySelector('#queue-status').textContent.includes('No alert'));
    // Paged: one per page, Next shows the second.
    await page.goto(cs.url + '/alerts?limit=1');
    await page.waitForSelector('tr.alert-row');
    assert.equal(await page.locator('tr.alert-row').count(), 1);
    assert.equal(Number(await page.getAttribute('tr.alert-row', 'data-id')), api.alerts[0].id);
    await page.click('#next');
    await page.waitForFunction((id) => document.querySelector('tr.alert-row') && document.querySelector('tr.alert-row').dataset.id === String(id), api.alerts[1].id);
    assert.ok(page.url().includes('offset=1'));
    // Sorted by age: the same alerts, oldest first.
    await page.goto(cs.url + '/alerts?sort=age');
    await page.waitForSelector('tr.alert-row');
    const aged = (await call(cs.url, '/v1/alerts?status=open&sort=age&limit=500')).body;
    assert.deepEqual(await page.locator('tr.alert-row').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id))),
                     aged.alerts.map((a) => a.id));

    await page.goto(cs.url + '/alerts');
    await page.waitForSelector('tr.alert-row');
    const file = path.join(shots, 'queue.png');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({path: file, fullPage: true});
    assert.ok(statSync(file).size > 20000, 'screenshot has content');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the alert page shows both sides and the explanation; a false positive needs a reason', async () => {
    const page = await browser.newPage({viewport: {width: 1280, height: 900}});
    const errors = watch(page);
    const id = alertOf['P-1'].id;
    await page.goto(cs.url + '/alerts');
    await page.click(`tr.alert-row[data-id="${id}"] td:first-child a`);
    await page.waitForSelector('#decide');
    assert.ok(page.url().endsWith('/alerts/' + id));
    assert.match(await page.textContent('h1'), /Kim Jong Un ≈ KIM, Jong Un/);
    // Party beside listed entity.
    const compare = page.locator('table.compare');
    assert.match(await compare.locator('td.party').allTextContents().then((t) => t.join('|')), /Kim Jong Un\|.*1984-01-08/);
    const entity = (await compare.locator('td.entity').allTextContents()).join('|');
    assert.match(entity, /KIM, Jong Un/);
    assert.match(entity, /DPRK3/);
    // The explanation: token alignment.
    const chips = await page.locator('#explanation .tok').allTextContents();
    assert.ok(chips.includes('Kim = KIM') && chips.includes('Un = Un'), JSON.stringify(chips));
    assert.match(await page.textContent('#history'), /No decision yet/);
    assert.doesNotMatch(await page.textContent('main'), /\[object|undefined|NaN/);

    // False positive without a reason: refused in the page, nothing sent.
    await page.click('button.decide.false_positive');
    await page.waitForFunction(() => document.getElementById('decidemsg').textContent.includes('needs a reason'));
    assert.equal(await page.getAttribute('#reason', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'reason');
    let now = (await call(cs.url, '/v1/alerts/' + id)).body;
    assert.equal(now.state, 'open');
    assert.equal(now.history.length, 0);
    // With a reason: recorded, shown in the history.
    const reason = 'Different person: <born> 1984 in Pyongyang is the listed one; our employee is a US citizen';
    await page.fill('#reason', reason);
    await page.click('button.decide.false_positive');
    await page.waitForFunction(() => document.getElementById('decidemsg') && document.getElementById('decidemsg').textContent.startsWith('Recorded'));
    assert.match(await page.textContent('h1 .badge'), /false positive/);
    const hist = page.locator('#history tbody tr');
    assert.equal(await hist.count(), 1);
    assert.equal(await hist.locator('td.reason').textContent(), reason);
    assert.equal(await hist.getAttribute('data-decision'), 'false_positive');
    now = (await call(cs.url, '/v1/alerts/' + id)).body;
    assert.equal(now.state, 'false_positive');
    assert.equal(now.history[0].reason, reason);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({path: path.join(shots, 'alert.png'), fullPage: true});
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a decision on a stale version says another analyst decided meanwhile', async () => {
    const id = alertOf['P-2'].id;
    const first = await browser.newPage({viewport: {width: 1280, height: 900}});
    const second = await browser.newPage({viewport: {width: 1280, height: 900}});
    await first.goto(cs.url + '/alerts/' + id);
    await second.goto(cs.url + '/alerts/' + id);
    await first.waitForSelector('#decide');
    await second.waitForSelector('#decide');
    await first.fill('#reason', 'needs the passport copy');
    await first.click('button.decide.escalate');
    await first.waitForFunction(() => document.getElementById('decidemsg').textContent.startsWith('Recorded'));
    await second.fill('#reason', 'same person');
    await second.click('button.decide.true_match');
    await second.waitForFunction(() => document.getElementById('decidemsg').textContent.includes('Another analyst'));
    assert.match(await second.textContent('#decidemsg'), /another analyst decided this alert meanwhile; reload/i);
    assert.equal(await second.locator('#reload').count(), 1);
    const now = (await call(cs.url, '/v1/alerts/' + id)).body;
    assert.equal(now.state, 'escalated', 'the second decision was not recorded');
    assert.equal(now.history.length, 1);
    // Reloading shows the first analyst's decision, and the page can decide again.
    await second.click('#reload');
    await second.waitForSelector('#history tbody tr');
    assert.match(await second.textContent('#history'), /needs the passport copy/);
    await first.close();
    await second.close();
  });

  test('the party page lists versions, screenings with outcomes (suppressed too) and alerts', async () => {
    const page = await browser.newPage({viewport: {width: 1280, height: 900}});
    const errors = watch(page);
    // P-3: decided false positive, screened again unchanged (suppressed), then given an
    // alias and screened again (re-alert with the field diff).
    const a = alertOf['P-3'];
    const d = await call(cs.url, `/v1/alerts/${a.id}/decisions`, {method: 'POST', headers: {'If-Match': `"${a.version}"`},
      body: {decision: 'false_positive', reason: 'a namesake; born 1999'}});
    assert.equal(d.status, 201, JSON.stringify(d.body));
    await page.goto(cs.url + '/parties/P-3');
    await page.waitForSelector('#versions');
    assert.match(await page.textContent('h1'), /Park Jin Hyok/);
    await page.click('#screen');
    await page.waitForFunction(() => document.querySelectorAll('.screening').length === 2);
    assert.equal(await page.locator('.screening').first().locator('tr[data-outcome="suppressed"]').count(), 1);
    const put = await call(cs.url, '/v1/parties/P-3', {method: 'PUT',
      body: {...PARTIES[2], aliases: ['Pak Chin-hyok']}});
    assert.ok(put.status === 200 || put.status === 201, JSON.stringify(put.body));
    // A change of screened fields is screened at once by the write itself (no click).
    assert.ok(put.body.screened, JSON.stringify(put.body));
    await page.reload();
    await page.waitForSelector('#screen');
    await page.waitForFunction(() => document.querySelectorAll('.screening').length === 3);
    // Versions: two, the second with what changed.
    assert.equal(await page.locator('li.version').count(), 2);
    const v2 = page.locator('li.version[data-version="2"]');
    assert.match(await v2.textContent(), /screened fields changed/);
    assert.match(await v2.locator('tr[data-field="aliases"]').textContent(), /added: Pak Chin-hyok/);
    // Screenings, newest first: re-alert, suppressed, and the first (new alert).
    const outcomes = await page.locator('.screening').evaluateAll((els) =>
      els.map((e) => [...e.querySelectorAll('tr[data-outcome]')].map((r) => r.dataset.outcome)));
    assert.ok(outcomes[0].includes('re_alert'), JSON.stringify(outcomes));
    assert.ok(outcomes[1].includes('suppressed'), JSON.stringify(outcomes));
    assert.ok(outcomes[2].includes('new_alert'), JSON.stringify(outcomes));
    assert.match(await page.textContent('#screenings'), /suppressed: false positive, unchanged/);
    // Alerts: the decided one and the new one, which says what changed.
    const rows = page.locator('#alerts tr.alert-row');
    assert.ok(await rows.count() >= 2);
    const states = await rows.evaluateAll((els) => els.map((e) => e.dataset.state));
    assert.ok(states.includes('false_positive') && states.includes('open'), JSON.stringify(states));
    assert.doesNotMatch(await page.textContent('main'), /\[object|undefined|NaN/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({path: path.join(shots, 'party.png'), fullPage: true});

    // The re-alert's page shows the party-side diff.
    const reId = await page.locator('#alerts tr.alert-row[data-state="open"]').first().getAttribute('data-id');
    await page.goto(cs.url + '/alerts/' + reId);
    await page.waitForSelector('#changes');
    assert.match(await page.textContent('#changes'), /aliases/);
    assert.match(await page.textContent('#changes'), /Pak Chin-hyok/);
    assert.ok(await page.locator('#changes a').first().getAttribute('href') === '/alerts/' + a.id, 'links the earlier alert');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({path: path.join(shots, 'alert-realert.png'), fullPage: true});
    // The whole queue, every state, after these decisions.
    await page.goto(cs.url + '/alerts?status=all');
    await page.waitForSelector('tr.alert-row[data-state="false_positive"]');
    assert.ok(await page.locator('tr.alert-row[data-state="escalated"]').count() >= 1);
    await page.screenshot({path: path.join(shots, 'queue-all.png'), fullPage: true});
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a person named with one word is reviewed, and the alert page says why', async () => {
    const put = await call(cs.url, '/v1/parties', {method: 'POST', body: {id: 'P-9', kind: 'person', name: 'Ri'}});
    assert.ok(put.status === 200 || put.status === 201, JSON.stringify(put.body));
    const scr = await call(cs.url, '/v1/parties/P-9/screen', {method: 'POST', body: {}});
    assert.equal(scr.status, 200, JSON.stringify(scr.body));
    const hits = scr.body.screening.hits;
    assert.ok(hits.length >= 1 && hits.length <= 3, JSON.stringify(hits));
    for (const hit of hits) {
      assert.equal(hit.band, 'review');
      assert.match(hit.entity_name, /^RI, /);
    }
    const page = await browser.newPage({viewport: {width: 1280, height: 900}});
    const errors = watch(page);
    await page.goto(cs.url + '/alerts/' + hits[0].alert_id);
    await page.waitForSelector('#one-word');
    assert.match(await page.textContent('#one-word'), /'Ri' is one word, the family name of this listed person/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('with keys: the pages ask for one, say 401 and 403 plainly, and send X-API-Key', async () => {
    const sha = (k) => createHash('sha256').update(k).digest('hex');
    const s = await startServer(['--db', db, '--lists', sampleDir,
      '--api-key', 'analyst:' + sha('analyst-key-1'), '--api-key', 'screen:' + sha('screen-key-1')]);
    try {
      await waitReady(s.url);
      const page = await browser.newPage({viewport: {width: 1280, height: 800}});
      await page.goto(s.url + '/alerts');
      await page.waitForFunction(() => !document.getElementById('authmsg').hidden);
      assert.match(await page.textContent('#authmsg'), /requires an API key \(401\)/);
      assert.equal(await page.locator('tr.alert-row').count(), 0);
      await page.fill('#apikey', 'screen-key-1');
      await page.click('#keyform button[type=submit]');
      await page.waitForFunction(() => document.getElementById('authmsg').textContent.includes('403'));
      assert.match(await page.textContent('#authmsg'), /may not do that \(403\).*analyst/);
      await page.fill('#apikey', 'analyst-key-1');
      await page.click('#keyform button[type=submit]');
      await page.waitForSelector('tr.alert-row');
      assert.ok(await page.locator('#authmsg').isHidden());
      // The key stays in this tab: the party page opens with it.
      await page.goto(s.url + '/parties/P-1');
      await page.waitForSelector('#versions');
      assert.equal(await page.evaluate(() => sessionStorage.getItem('vigil-api-key')), 'analyst-key-1');
      await page.close();
    } finally {
      s.child.removeAllListeners('exit');
      s.child.kill('SIGTERM');
    }
  });
});

// ---- List updates (issue 14): where each alert came from, delistings ----
//
// A store screened against the sample, then brought up to date with a changed copy of it
// by `vigil rescreen`: one listed person added (TESTPERSON, Zebulon Quixotic, whom a party
// is named after), one removed (PARK, Jin Hyok: the alert on him is closed as delisted) and
// one given a new alias (JONG, Song Ho). The page must show which alerts the list update
// raised, filter by it, list the updates with their counts and mark the delisted alert.

// A copy of the sample in a new folder, changed as above.
function changedSample() {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-sample-2-'));
  for (const f of ['sdn.csv', 'alt.csv', 'add.csv', 'sdn_comments.csv']) {
    const file = path.join(sampleDir, f);
    if (!existsSync(file)) continue;
    let text = readFileSync(file, 'latin1');
    text = text.split('\n').filter((l) => !l.startsWith('24918,')).join('\n');  // PARK, Jin Hyok
    const eof = text.endsWith('\x1a') ? '\x1a' : '';
    if (eof) text = text.slice(0, -1);
    if (f === 'sdn.csv') {
      text += '999999,"TESTPERSON, Zebulon Quixotic","individual","DPRK4",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 01 Jan 1970."\r\n';
    }
    if (f === 'alt.csv') text += '48269,999001,"aka","CHONG, Song Ho",-0- \r\n';
    writeFileSync(path.join(dir, f), text + eof, 'latin1');
  }
  return dir;
}

describe('list updates', () => {
  let us;       // the server on the store
  let runs;     // GET /v1/rescreens
  let update;   // the run that brought the changed lists

  before(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-updates-'));
    const db = path.join(dir, 'cases.db');
    const file = path.join(dir, 'parties.jsonl');
    const parties = [
      ...PARTIES,
      {id: 'P-5', kind: 'person', name: 'Zebulon Quixotic Testperson', dob: '1970-01-01', tags: ['contractor']},
    ];
    writeFileSync(file, parties.map((p) => JSON.stringify(p)).join('\n') + '\n');
    vigil(['parties', 'import', file, '--db', db, '--by', 'alice', '--no-screen']);
    vigil(['parties', 'screen', '--db', db, '--lists', sampleDir, '--by', 'alice']);
    const changed = changedSample();
    const summary = JSON.parse(vigil(['rescreen', '--db', db, '--lists', changed, '--by', 'system', '--json']));
    assert.ok(summary.run_id > 0, JSON.stringify(summary));
    // The service serves the lists the store was brought to.
    const s = await startServer(['--db', db, '--lists', changed]);
    us = s;
    await waitReady(us.url);
    runs = (await call(us.url, '/v1/rescreens')).body.runs;
    update = runs.find((r) => r.id === summary.run_id);
    assert.ok(update, JSON.stringify(runs));
    assert.equal(update.status, 'done', JSON.stringify(update));
    assert.equal(update.kind, 'delta', JSON.stringify(update));
  });

  after(() => {
    if (us) { us.child.removeAllListeners('exit'); us.child.kill('SIGTERM'); }
  });

  test('the API names the run of each alert and the delisting', async () => {
    const all = (await call(us.url, '/v1/alerts?status=all&limit=500')).body.alerts;
    const zeb = all.find((a) => a.party_id === 'P-5');
    assert.ok(zeb, 'the added entity alerts: ' + JSON.stringify(all));
    assert.equal(zeb.entity_id, 'us_ofac_sdn:999999');
    assert.equal(zeb.rescreen_run, update.id);
    const park = all.find((a) => a.entity_id === 'us_ofac_sdn:24918');
    assert.ok(park, JSON.stringify(all));
    assert.equal(park.state, 'closed');
    assert.match(park.delisted, /^delisted in us_ofac_sdn version /);
    const byRun = (await call(us.url, `/v1/alerts?status=all&run=${update.id}&limit=500`)).body;
    assert.ok(byRun.alerts.every((a) => a.rescreen_run === update.id), JSON.stringify(byRun));
    assert.ok(byRun.alerts.some((a) => a.id === zeb.id));
    const src = update.counts.sources.find((c) => c.source === 'us_ofac_sdn');
    assert.equal(src.added, 1);
    assert.equal(src.removed, 1);
    assert.ok(src.changed >= 1, JSON.stringify(src));
  });

  test('the queue shows where each alert came from, filters by list update, and lists the updates', async () => {
    const page = await browser.newPage({viewport: {width: 1400, height: 900}});
    const errors = watch(page);
    const all = (await call(us.url, '/v1/alerts?status=all&limit=500')).body;
    await page.goto(us.url + '/alerts?status=all');
    await page.waitForSelector('#updates table.updates');
    await page.waitForSelector('tr.alert-row');
    // Each row says where it came from, as the API does.
    for (const a of all.alerts) {
      const cell = page.locator(`tr.alert-row[data-id="${a.id}"] td.raised-by`);
      if (a.rescreen_run) {
        assert.equal(await cell.locator('a.from.run').textContent(), `list update #${a.rescreen_run}`);
        assert.ok((await cell.locator('a.from.run').getAttribute('href')).includes('run=' + a.rescreen_run));
      } else {
        assert.equal(await cell.textContent(), 'screening');
      }
    }
    // The list it brought, with its date.
    const zeb = all.alerts.find((a) => a.party_id === 'P-5');
    const zebLists = await page.locator(`tr.alert-row[data-id="${zeb.id}"] td.raised-by .run-lists`).textContent();
    const published = update.lists.find((l) => l.source === 'us_ofac_sdn').published.slice(0, 10);
    assert.equal(zebLists, 'us_ofac_sdn ' + published);
    // The delisted alert is marked, with the version in its title.
    const park = all.alerts.find((a) => a.entity_id === 'us_ofac_sdn:24918');
    const row = page.locator(`tr.alert-row[data-id="${park.id}"]`);
    assert.equal(await row.getAttribute('data-delisted'), 'true');
    assert.equal(await row.locator('.badge.delisted').textContent(), 'delisted');
    assert.equal(await row.locator('.badge.delisted').getAttribute('title'), park.delisted);
    assert.equal(await page.locator('tr.alert-row[data-delisted]').count(),
                 all.alerts.filter((a) => a.delisted).length);

    // The panel: one row per run, with the run's counts.
    const nowRuns = (await call(us.url, '/v1/rescreens')).body.runs;
    assert.equal(await page.locator('#updates tr.run-row').count(), nowRuns.length);
    const upd = page.locator(`#updates tr.run-row[data-run="${update.id}"]`);
    assert.equal(await upd.locator('td[data-count="new_alerts"]').textContent(), update.counts.new_alerts.toLocaleString('en-US'));
    assert.equal(await upd.locator('td[data-count="parties_screened"]').textContent(), update.counts.parties_screened.toLocaleString('en-US'));
    assert.match(await upd.locator('li[data-source="us_ofac_sdn"]').textContent(), /\+1 ~\d+ −1 us_ofac_sdn/);
    assert.match(await upd.locator('td[data-count="delisted_closed"]').textContent(), /1 closed/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({path: path.join(shots, 'queue-updates.png'), fullPage: true});

    // Filter by the update (the select applies at once): only its alerts, and a note says so.
    await page.selectOption('#run', String(update.id));
    await page.waitForFunction((id) => location.search.includes('run=' + id), update.id);
    const byRun = (await call(us.url, `/v1/alerts?status=all&run=${update.id}&limit=500`)).body;
    await page.waitForFunction((n) => document.querySelectorAll('tr.alert-row').length === n &&
      document.querySelector('#queue-status').textContent.includes(' of '), byRun.alerts.length);
    const ids = await page.locator('tr.alert-row').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
    assert.deepEqual(ids.sort(), byRun.alerts.map((a) => a.id).sort());
    assert.ok(await page.locator('#run-note').isVisible());
    assert.match(await page.textContent('#run-note'), new RegExp(`list update #${update.id}: us_ofac_sdn`));
    assert.match(await page.textContent('#run-note'), new RegExp(`${update.counts.new_alerts} new alerts`));
    assert.ok(await page.locator(`#updates tr.run-row.current[data-run="${update.id}"]`).count() === 1);
    // The panel's link leads to the same view; "All alerts" leaves it.
    await page.click('#run-note a');
    await page.waitForFunction(() => !location.search.includes('run='));
    await page.click(`#updates tr.run-row[data-run="${update.id}"] a.run-link`);
    await page.waitForFunction((id) => location.search.includes('run=' + id), update.id);
    await page.waitForFunction((id) => document.getElementById('run') && document.getElementById('run').value === String(id), update.id);
    assert.doesNotMatch(await page.textContent('main'), /\[object|undefined|NaN/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a delisted alert says so on its page, with the system\'s closing decision', async () => {
    const page = await browser.newPage({viewport: {width: 1280, height: 900}});
    const errors = watch(page);
    const all = (await call(us.url, '/v1/alerts?status=all&limit=500')).body.alerts;
    const park = all.find((a) => a.entity_id === 'us_ofac_sdn:24918');
    await page.goto(us.url + '/alerts/' + park.id);
    await page.waitForSelector('#delisted');
    assert.match(await page.textContent('#delisted'), /Delisted: the listed entity was removed from its list \(delisted in us_ofac_sdn version /);
    assert.match(await page.textContent('#delisted'), /closed by the system/);
    assert.match(await page.textContent('h1 .badge'), /closed/);
    const hist = page.locator('#history tbody tr[data-decision="close"]');
    assert.equal(await hist.count(), 1);
    assert.match(await hist.textContent(), /system/);
    // The new alert's page names the update that raised it, linking to its alerts.
    const zeb = all.find((a) => a.party_id === 'P-5');
    await page.goto(us.url + '/alerts/' + zeb.id);
    await page.waitForSelector('#decide');
    const link = page.locator('table.meta-table a.from.run');
    assert.match(await link.textContent(), new RegExp(`^list update #${update.id}`));
    assert.ok((await link.getAttribute('href')).includes('run=' + update.id));
    await page.goto(us.url + '/alerts/' + park.id);
    await page.waitForSelector('#delisted');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({path: path.join(shots, 'alert-delisted.png'), fullPage: true});
    assert.deepEqual(errors, []);
    await page.close();
  });
});

// ---- IT-worker red flags and IP addresses (issue 16) ----
//
// The parties of tests/fixtures/itworkers (a four-profile laptop farm IT-1..IT-4 and four
// ordinary contractors) in a store, `vigil red-flags --db` opening the alerts, and `vigil
// serve --db --ip-data` on it with the @ip-location-db tables (`npm ci --prefix
// data/ip-location-db`, which tools/deps.sh runs). Screenshots: ip.png, party-redflags.png,
// alert-redflags.png.

const ipData = path.join(here, '..', '..', 'data', 'ip-location-db', 'node_modules', '@ip-location-db');
const haveIpData = existsSync(path.join(ipData, 'geo-whois-asn-country'));
const noIpData = haveIpData ? false : 'the @ip-location-db tables are not installed (npm ci --prefix data/ip-location-db)';

describe('IT-worker red flags and IP addresses', () => {
  let rs;  // the server on the store

  before(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-redflags-'));
    const db = path.join(dir, 'cases.db');
    const ipArgs = haveIpData ? ['--ip-data', ipData] : [];
    vigil(['parties', 'import', path.join(fixtures, 'itworkers', 'parties.jsonl'), '--db', db, '--by', 'alice', '--no-screen']);
    vigil(['red-flags', '--db', db, '--no-lists', '--by', 'system', '--output', path.join(dir, 'out.jsonl'), ...ipArgs]);
    const s = await startServer(['--db', db, '--lists', sampleDir, ...ipArgs]);
    rs = s;
    await waitReady(rs.url);
  });

  after(() => {
    if (rs) { rs.child.removeAllListeners('exit'); rs.child.kill('SIGTERM'); }
  });

  test('the IP panel answers with the country, network, sanctions, DPRK range, evidence and data', {skip: noIpData}, async () => {
    const page = await browser.newPage({viewport: {width: 1280, height: 1000}});
    const errors = watch(page);
    await page.goto(rs.url + '/');
    await page.click('#nav-ip');
    await page.waitForSelector('#ip:not([hidden])');
    await page.fill('#ipaddr', '175.45.178.10');
    await page.press('#ipaddr', 'Enter');
    await page.waitForSelector('.ip-answer');
    assert.ok(page.url().includes('#/ip?ip=175.45.178.10'), page.url());
    assert.equal(await page.textContent('[data-field=country]'), 'KP');
    assert.equal(await page.textContent('[data-field=asn]'), 'AS131279');
    assert.equal(await page.textContent('[data-field=sanctioned]'), 'SANCTIONED');
    const program = page.locator('.sanctions li[data-program="DPRK"]');
    assert.equal(await program.count(), 1);
    assert.match(await program.textContent(), /North Korea.*Source: .*31 CFR part 510/s);
    assert.match(await page.textContent('[data-field=dprk]'), /175\.45\.176\.0\/22 AS131279 Star Joint Venture/);
    assert.ok(await page.locator('.ip-evidence tbody tr').count() >= 2, 'evidence rows');
    assert.match(await page.textContent('.ip-evidence'), /geo-whois-asn-country-ipv4\.csv/);
    const geo = page.locator('.ip-sources li[data-source="@ip-location-db/geo-whois-asn-country"]');
    assert.match(await geo.textContent(), /data of \d{4}-\d\d-\d\d/);
    // The AS table's DB-IP licence: a page showing its results links back to DB-IP.
    assert.equal(await page.getAttribute('[data-attribution=dbip]', 'href'), 'https://db-ip.com');
    await page.screenshot({path: path.join(shots, 'ip.png'), fullPage: true});

    // An ordinary address, and a malformed one.
    await page.fill('#ipaddr', '8.8.8.8');
    await page.press('#ipaddr', 'Enter');
    await page.waitForFunction(() => document.querySelector('.ip-answer') && document.querySelector('.ip-answer').dataset.address === '8.8.8.8');
    assert.equal(await page.textContent('[data-field=country]'), 'US');
    assert.equal(await page.textContent('[data-field=sanctioned]'), 'no');
    await page.fill('#ipaddr', '175.45.178');
    await page.press('#ipaddr', 'Enter');
    await page.waitForSelector('#iperror');
    assert.match(await page.textContent('#iperror'), /not an IP address/);
    // The malformed address is answered 400, which the browser logs: expected.
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
    await page.close();
  });

  test('a flagged party shows its flags with evidence and source, and its cluster as a graph', async () => {
    const page = await browser.newPage({viewport: {width: 1280, height: 1000}});
    const errors = watch(page);
    await page.goto(rs.url + '/parties/IT-1');
    await page.waitForSelector('#redflags #rf-risk');
    assert.equal(await page.textContent('#rf-risk'), 'high');
    const flags = page.locator('#redflags li.flag');
    assert.ok(await flags.count() >= 3, 'several flags');
    const phone = page.locator('#redflags li.flag[data-rule="shared-phone"]');
    assert.equal(await phone.count(), 1);
    assert.match(await phone.locator('.flag-evidence').textContent(), /\+1 615 555 0142.*IT-2/);
    assert.match(await phone.locator('cite').textContent(), /\d{4}/);
    assert.ok((await phone.locator('blockquote').textContent()).length > 20, 'the advisory sentence');
    if (haveIpData) {
      const kp = page.locator('#redflags li.flag[data-rule="login-dprk-or-sanctioned-ip"]');
      assert.match(await kp.locator('.flag-evidence').textContent(), /175\.45\.178\.10/);
    }
    // Every flag names its advisory.
    for (const c of await page.locator('#redflags li.flag cite').allTextContents()) assert.ok(c.trim().length > 5, c);

    // The cluster: four parties (circles) around the values they share (squares).
    const graph = page.locator('svg#cluster-graph');
    await graph.waitFor();
    assert.equal(await graph.locator('g.node.party').count(), 4);
    assert.deepEqual((await graph.locator('g.node.party').evaluateAll((ns) => ns.map((n) => n.dataset.id))).sort(),
                     ['IT-1', 'IT-2', 'IT-3', 'IT-4']);
    assert.equal(await graph.locator('g.node.party.focus').getAttribute('data-id'), 'IT-1');
    const kinds = await graph.locator('g.node.value').evaluateAll((ns) => ns.map((n) => n.dataset.kind));
    assert.ok(kinds.includes('phone') && kinds.includes('payment_account'), JSON.stringify(kinds));
    assert.ok(await graph.locator('line.edge').count() >= 8, 'edges from parties to values');
    const box = await graph.boundingBox();
    assert.ok(box && box.width > 300 && box.height > 200, JSON.stringify(box));
    assert.equal(await page.locator('table.members tbody tr').count(), 4);
    assert.match(await page.textContent('#redflags'), /red-flag alert #\d+/);
    await page.locator('#redflags').scrollIntoViewIfNeeded();
    await page.screenshot({path: path.join(shots, 'party-redflags.png'), fullPage: true});

    // An ordinary contractor: no flag, no cluster.
    await page.goto(rs.url + '/parties/OK-2');
    await page.waitForSelector('#redflags #rf-risk');
    assert.equal(await page.textContent('#rf-risk'), 'none');
    await page.waitForSelector('#no-flags');
    await page.waitForSelector('#no-cluster');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a red-flag alert shows as such in the queue and on its page', async () => {
    const page = await browser.newPage({viewport: {width: 1280, height: 1000}});
    const errors = watch(page);
    await page.goto(rs.url + '/alerts?list=red-flags');
    await page.waitForSelector('table.queue tbody tr');
    const rows = page.locator('table.queue tbody tr[data-kind="red-flags"]');
    assert.equal(await rows.count(), 4);
    assert.match(await rows.first().locator('.badge.redflags').textContent(), /red flags/);
    assert.match(await rows.first().textContent(), /IT-worker red flags/);
    await rows.first().locator('td.entity a').click();
    await page.waitForSelector('#redflags li.flag');
    assert.match(await page.textContent('h1'), /red flags/);
    assert.match(await page.textContent('#rf-risk'), /high/);
    assert.ok(await page.locator('#redflags li.flag cite').count() >= 3);
    assert.equal(await page.locator('#cluster svg#cluster-graph g.node.party').count(), 4);
    assert.equal(await page.locator('#sides').count(), 0, 'no name comparison for a red-flag alert');
    await page.waitForSelector('#decide');
    await page.screenshot({path: path.join(shots, 'alert-redflags.png'), fullPage: true});
    assert.deepEqual(errors, []);
    await page.close();
  });
});

// ---- Links (issue 15): the neighbourhood graph (cytoscape, compiled into the program) ----

// Clicks the node `id` of the Cytoscape graph drawn in `selector`, where it is on screen.
async function clickGraphNode(page, selector, id) {
  // Into view first; the library learns of the scroll from the scroll event, by the next frame.
  await page.evaluate(async (sel) => {
    document.querySelector(sel).scrollIntoView({block: 'center', behavior: 'instant'});
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  }, selector);
  const at = await page.evaluate(([sel, nodeId]) => {
    const el = document.querySelector(sel);
    const n = el.cy.getElementById(nodeId);
    if (n.empty()) return null;
    const r = el.getBoundingClientRect();
    const p = n.renderedPosition();
    return {x: r.left + p.x, y: r.top + p.y};
  }, [selector, id]);
  assert.ok(at, 'node ' + id + ' is in the graph');
  await page.mouse.click(at.x, at.y);
}

// The nodes and edges Cytoscape drew: [{id, kind, classes}], [{source, target, label}].
function graphElements(page, selector) {
  return page.evaluate((sel) => {
    const cy = document.querySelector(sel).cy;
    return {
      nodes: cy.nodes().map((n) => ({id: n.id(), kind: n.data('kind'), classes: n.classes().join(' '),
        visible: n.visible(), w: n.renderedWidth()})),
      edges: cy.edges().map((e) => ({source: e.source().id(), target: e.target().id(), label: e.data('label')})),
    };
  }, selector);
}

test('an entity page draws its links as a graph; a click on a node opens that entity', async () => {
  const page = await browser.newPage({viewport: {width: 1280, height: 1000}});
  const errors = watch(page);
  // KOMID: three individuals are "Linked To:" it.
  await page.goto(base + '/#/entity/' + encodeURIComponent('us_ofac_sdn:9345'));
  await page.waitForSelector('#link-graph[data-nodes]');
  const api = await (await fetch(base + '/v1/entities/us_ofac_sdn:9345/links?hops=2')).json();
  const drawn = await graphElements(page, '#link-graph');
  // Every node and edge of the answer is drawn, and nothing else.
  assert.deepEqual(drawn.nodes.map((n) => n.id).sort(), api.graph.nodes.map((n) => n.id).sort());
  assert.equal(drawn.edges.length, api.graph.edges.length);
  for (const id of ['us_ofac_sdn:9345', 'us_ofac_sdn:18552', 'us_ofac_sdn:18668', 'us_ofac_sdn:18848']) {
    assert.ok(drawn.nodes.some((n) => n.id === id && n.kind === 'entity' && n.visible), id);
  }
  assert.ok(drawn.edges.some((e) => e.source === 'us_ofac_sdn:18552' && e.target === 'us_ofac_sdn:9345' &&
    e.label === 'linked to'), JSON.stringify(drawn.edges));
  assert.ok(drawn.nodes.find((n) => n.id === 'us_ofac_sdn:9345').classes.includes('focus'));
  // The canvas holds a picture, not a blank box.
  const shot = await page.locator('#link-graph').screenshot();
  assert.ok(shot.length > 8000, 'graph rendered (' + shot.length + ' bytes)');
  // The status, and the paths in words, both ways.
  assert.equal(await page.textContent('#link-status'), 'listed');
  assert.match(await page.textContent('#link-summary'), /listed on us_ofac_sdn \(.*DPRK2/);
  const paths = await page.textContent('#links table.links');
  assert.match(paths, /linked from/);
  assert.match(paths, /HWANG, Su Man/);
  assert.doesNotMatch(await page.textContent('#links'), /\[object|undefined|null/);
  await page.screenshot({path: path.join(shots, 'entity-links.png'), fullPage: true});
  // A click on a node opens its entity page, whose graph has the edge seen from there.
  await clickGraphNode(page, '#link-graph', 'us_ofac_sdn:18552');
  await page.waitForFunction(() => document.querySelector('#entity h1') &&
    document.querySelector('#entity h1').textContent.includes('HWANG'));
  assert.ok(page.url().endsWith('#/entity/' + encodeURIComponent('us_ofac_sdn:18552')), page.url());
  await page.waitForSelector('#link-graph[data-nodes]');
  const from = await graphElements(page, '#link-graph');
  assert.ok(from.edges.some((e) => e.source === 'us_ofac_sdn:18552' && e.target === 'us_ofac_sdn:9345'));
  assert.match(await page.textContent('#links table.links'), /linked to/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the graph library is served from the program, and the page loads nothing from elsewhere', async () => {
  const page = await browser.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const errors = watch(page);
  await page.goto(base + '/#/entity/' + encodeURIComponent('us_ofac_sdn:18552'));
  await page.waitForSelector('#link-graph[data-nodes]');
  assert.ok(requests.some((u) => u === base + '/vendor/cytoscape.min.js'), requests.join('\n'));
  for (const u of requests) assert.ok(u.startsWith(base + '/') || u.startsWith('data:'), 'loaded from elsewhere: ' + u);
  const lib = await fetch(base + '/vendor/cytoscape.min.js');
  assert.equal(lib.status, 200);
  assert.match(lib.headers.get('content-type'), /javascript/);
  assert.ok((await lib.text()).length > 100000, 'the minified library');
  // No Content-Security-Policy violation (cytoscape's one <style> is allowed by its hash).
  assert.deepEqual(errors, []);
  await page.close();
});

// Parties owned by listed entities: P-10 60% by two listed persons (blocked under the 50%
// rule), P-11 30% by P-10 and an unknown share by KOMID (possibly blocked).
describe('links and exposure of parties', () => {
  let ls;
  before(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-links-'));
    const db = path.join(dir, 'cases.db');
    const parties = path.join(dir, 'parties.jsonl');
    writeFileSync(parties, [
      {id: 'P-10', kind: 'organization', name: 'Sinuiju Harbour Trading Ltd', country: 'CN'},
      {id: 'P-11', kind: 'organization', name: 'Dandong Riverside Logistics Co', country: 'CN'},
      {id: 'P-12', kind: 'organization', name: 'Yalu Bridge Commerce', country: 'CN'},
    ].map((p) => JSON.stringify(p)).join('\n') + '\n');
    vigil(['parties', 'import', parties, '--db', db, '--by', 'alice', '--no-screen']);
    const csv = path.join(dir, 'ownership.csv');
    writeFileSync(csv, 'owner,owned,percentage,kind,source,as_of\n' +
      'us_ofac_sdn:9345,P-10,40,ownership,registry extract,2024-01-31\n' +
      'us_ofac_sdn:20157,P-10,20,ownership,registry extract,2024-01-31\n' +
      'P-10,P-11,30,ownership,annual report,2023-12-31\n' +
      'us_ofac_sdn:9345,P-11,,ownership,press report,2024-03-01\n' +
      // Two owners given by name: matched by the screener, to review (the review panel).
      'Korea Mining Development Trading,P-12,55,ownership,registry extract,2024-01-31\n' +
      'Korea Daesong Bank,P-12,10,ownership,press report,2024-03-01\n');
    vigil(['ownership', 'import', csv, '--db', db, '--by', 'alice', '--lists', sampleDir]);
    ls = await startServer(['--db', db, '--lists', sampleDir]);
    await waitReady(ls.url);
  });
  after(() => {
    if (ls) { ls.child.removeAllListeners('exit'); ls.child.kill('SIGTERM'); }
  });

  test('a blocked party shows its status, its paths and their graph; a click opens the listed owner', async () => {
    const page = await browser.newPage({viewport: {width: 1280, height: 1100}});
    const errors = watch(page);
    await page.goto(ls.url + '/parties/P-10');
    await page.waitForSelector('#exposure #link-status');
    assert.equal(await page.textContent('#exposure #link-status'), 'blocked');
    assert.match(await page.textContent('#exposure-summary'), /60%/);
    const paths = page.locator('#exposure ol.paths li');
    assert.ok(await paths.count() >= 2, 'a path to each listed owner');
    const entities = await paths.evaluateAll((lis) => lis.map((li) => li.dataset.entity));
    assert.ok(entities.includes('us_ofac_sdn:9345') && entities.includes('us_ofac_sdn:20157'), entities.join());
    assert.match(await page.textContent('#exposure ol.paths'), /KOREA MINING DEVELOPMENT TRADING CORPORATION/);
    await page.waitForSelector('#exposure #link-graph[data-nodes]');
    const drawn = await graphElements(page, '#exposure #link-graph');
    const ids = drawn.nodes.map((n) => n.id);
    for (const id of ['party:P-10', 'us_ofac_sdn:9345', 'us_ofac_sdn:20157']) assert.ok(ids.includes(id), ids.join());
    assert.ok(drawn.nodes.find((n) => n.id === 'party:P-10').classes.includes('blocked'));
    assert.ok(drawn.edges.some((e) => e.source === 'us_ofac_sdn:9345' && e.target === 'party:P-10' && /ownership 40%/.test(e.label)),
      JSON.stringify(drawn.edges));
    // The sections above (red flags) are filled in first, so that nothing moves the graph.
    await page.waitForFunction(() => !document.querySelector('#redflags').textContent.includes('Checking'));
    await page.screenshot({path: path.join(shots, 'party-exposure.png'), fullPage: true});
    await clickGraphNode(page, '#exposure #link-graph', 'us_ofac_sdn:9345');
    await page.waitForFunction(() => document.querySelector('#entity h1') &&
      document.querySelector('#entity h1').textContent.includes('KOREA MINING'));
    // The listed owner's page shows the party it owns in its graph.
    await page.waitForSelector('#link-graph[data-nodes]');
    const komid = await graphElements(page, '#link-graph');
    assert.ok(komid.nodes.some((n) => n.id === 'party:P-10' && n.kind === 'party'), JSON.stringify(komid.nodes));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a party with an unknown share held by a listed owner is possibly blocked', async () => {
    const page = await browser.newPage({viewport: {width: 1280, height: 1100}});
    const errors = watch(page);
    await page.goto(ls.url + '/parties/P-11');
    await page.waitForSelector('#exposure #link-status');
    assert.equal(await page.textContent('#exposure #link-status'), 'possibly blocked');
    assert.match(await page.textContent('#exposure-summary'), /to 100%/);
    await page.waitForSelector('#exposure #link-graph[data-nodes]');
    const drawn = await graphElements(page, '#exposure #link-graph');
    assert.ok(drawn.nodes.find((n) => n.id === 'party:P-11').classes.includes('possibly_blocked'));
    // P-10, blocked by the rule, is marked so on the way.
    assert.ok(drawn.nodes.find((n) => n.id === 'party:P-10').classes.includes('blocked'), JSON.stringify(drawn.nodes));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the ownership panel lists the name matches to review; Accept and Reject record the review', async () => {
    const before = await call(ls.url, '/v1/ownership?review=to_review');
    assert.equal(before.status, 200);
    assert.equal(before.body.edges.length, 2, JSON.stringify(before.body));
    const [first, second] = before.body.edges;
    const page = await browser.newPage({viewport: {width: 1280, height: 900}});
    const errors = watch(page);
    await page.goto(ls.url + '/ownership');
    await page.waitForSelector('#ownership-edges');
    const rows = page.locator('#ownership-edges tbody tr');
    assert.equal(await rows.count(), 2);
    const row1 = page.locator(`tr[data-edge="${first.id}"]`);
    const text = await row1.textContent();
    assert.match(text, /Korea Mining Development Trading/);
    assert.match(text, /KOREA MINING DEVELOPMENT TRADING CORPORATION/);
    assert.match(text, new RegExp(first.owner.score.toFixed(2)));
    assert.match(text, /to review/);
    await page.screenshot({path: path.join(shots, 'ownership-review.png'), fullPage: true});

    await row1.locator('input.note').fill('same registry number');
    await row1.locator('button.accept').click();
    await page.waitForFunction((id) => !document.querySelector(`tr[data-edge="${id}"]`), first.id);
    assert.match(await page.textContent('#ownership-status'), new RegExp(`Edge ${first.id} accepted`));
    const row2 = page.locator(`tr[data-edge="${second.id}"]`);
    await row2.locator('button.reject').click();
    await page.waitForSelector('#no-ownership-review');

    const all = (await call(ls.url, '/v1/ownership')).body.edges;
    const a = all.find((e) => e.id === first.id);
    const r = all.find((e) => e.id === second.id);
    assert.equal(a.review, 'accepted');
    assert.equal(a.owner.review, 'accepted');
    assert.equal(a.review_note, 'same registry number');
    assert.equal(r.owner.how, 'rejected_match');
    assert.equal(r.owner.node, 'name:Korea Daesong Bank');
    assert.equal(r.owner.matched_id, second.owner.matched_id);
    // The nav links to the panel from the other case pages.
    assert.equal(await page.getAttribute('#nav-ownership', 'href'), '/ownership');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
