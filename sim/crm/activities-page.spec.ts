import { activityBody, crmClient } from './crm-test.helpers';
import { DEMO_API_KEY, startSampleCrm, type SampleCrm } from './index';

describe('sample CRM activities page', () => {
  let crm: SampleCrm;
  let api: ReturnType<typeof crmClient>;
  const page = async (path = '/') => {
    const res = await fetch(`${crm.url}${path}`);
    return { res, html: await res.text() };
  };

  beforeAll(async () => {
    crm = await startSampleCrm({ apiKeys: [DEMO_API_KEY], demoData: true });
    api = crmClient(crm, DEMO_API_KEY);
  });
  afterAll(() => crm.close());
  afterEach(() => crm.reset());

  it('shows HTML in bodies and subjects as escaped source, never as markup', async () => {
    await api.post('/activities', activityBody({
      subject: 'Call <img src=x onerror=alert(1)>',
      body: '<ul><li><b>Summary</b>: hi</li></ul><script>alert("pwned")</script>',
    }));
    const { res, html } = await page();
    expect(res.status).toBe(200);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(html).toContain('<pre>&lt;ul&gt;&lt;li&gt;&lt;b&gt;Summary&lt;/b&gt;');
    expect(html).toContain('Call &lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('html (source)');
  });

  it('forbids scripts by CSP, refreshes itself and needs no key', async () => {
    const { res, html } = await page('/activities');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).toMatch(/<meta http-equiv="refresh" content="\d+">/);
    expect(html).toContain('No call activities yet.');
  });

  it('shows counts, owner and contact names, and plain-text bodies in <pre>', async () => {
    await api.post('/activities', activityBody({ body: '- Note: line one\n- Result: ok' }));
    await api.post('/activities', activityBody({ direction: 'Outbound', ownerId: 'usr_1002', contactId: null }));
    const { html } = await page();
    expect(html).toMatch(/Activities: <strong>2<\/strong>/);
    expect(html).toMatch(/Inbound: <strong>1<\/strong>/);
    expect(html).toMatch(/Outbound: <strong>1<\/strong>/);
    expect(html).toContain('<td>Alice Anderson</td><td>Jane Customer</td><td>Inbound</td>');
    expect(html).toContain('<td>Bob Brown</td><td>(none)</td><td>Outbound</td>');
    expect(html).toContain('<pre>- Note: line one\n- Result: ok</pre>');
  });

  it('does not show API keys', async () => {
    const issued = crm.issueApiKey();
    await api.post('/activities', activityBody());
    const { html } = await page();
    expect(html).not.toContain(DEMO_API_KEY);
    expect(html).not.toContain(issued);
  });

  it('gives the body room to read (not one character per line) and shows the recording column only once a call has one', async () => {
    const created = await api.post('/activities', activityBody({ body: 'A long body line that must wrap as words, not as letters' }));
    let { html } = await page();
    expect(html).toContain('table-layout: fixed');
    expect(html).toContain('<col style="width: auto">');
    expect(html).toContain('<td class="body">');
    expect(html).not.toContain('<th>Recording</th>');
    await api.patch(`/activities/${created.body.activity.id}`, { recordingUrl: 'https://media.example.com/rec/1.mp3' });
    ({ html } = await page());
    expect(html).toContain('<th>Recording</th>');
    expect(html).toContain('<a href="https://media.example.com/rec/1.mp3" rel="noopener noreferrer" target="_blank">recording</a>');
  });
});
