import type { PaginationSpec } from '../provider-definition.js';
import { linkTarget } from './next-page.js';
import { PageWalkError, walkPages, type PageRequest, type PageResponse } from './paginate.js';

const first: PageRequest = {
  method: 'POST',
  url: 'https://api.example.com/v2/things',
  headers: {},
  body: { limit: 2 },
};

/** A transport that answers from a script and records what it was asked. */
function scripted(...responses: PageResponse[]): {
  sent: PageRequest[];
  send: (r: PageRequest) => Promise<PageResponse>;
} {
  const sent: PageRequest[] = [];
  return {
    sent,
    send: (request) => {
      sent.push(request);
      const next = responses[sent.length - 1];
      return next ? Promise.resolve(next) : Promise.reject(new Error('unscripted request'));
    },
  };
}
const ok = (body: string, headers: Record<string, string> = {}): PageResponse => ({
  status: 200,
  headers,
  bodyText: body,
});

async function collect(spec: PaginationSpec, request: PageRequest, send: (r: PageRequest) => Promise<PageResponse>) {
  const pages: unknown[][] = [];
  for await (const items of walkPages({ itemsPath: 'items', pagination: spec }, request, send)) pages.push([...items]);
  return pages;
}

async function failure(promise: Promise<unknown>): Promise<PageWalkError> {
  const error: unknown = await promise.then(() => undefined).catch((e: unknown) => e);
  if (!(error instanceof PageWalkError)) throw new Error('expected a PageWalkError');
  return error;
}

const bodyCursor: PaginationSpec = {
  style: 'body-cursor',
  requestField: 'cursor',
  requestIn: 'body',
  responseField: 'cursor',
};
const linkHeader: PaginationSpec = { style: 'link-header', rel: 'next', keepOnlyParams: ['limit', 'page_info'] };

describe('walkPages', () => {
  it('body-cursor: sends the cursor in the body, keeps the query, stops when the cursor is absent', async () => {
    const t = scripted(ok('{"items":[1,2],"cursor":"c1"}'), ok('{"items":[3]}'));
    await expect(collect(bodyCursor, first, t.send)).resolves.toEqual([[1, 2], [3]]);
    expect(t.sent[1]?.body).toEqual({ limit: 2, cursor: 'c1' });
  });

  it('body-cursor in the query, and an empty `{}` page yields no items', async () => {
    const spec: PaginationSpec = { ...bodyCursor, requestIn: 'query' };
    const t = scripted(ok('{"items":[1],"cursor":"a b"}'), ok('{}'));
    await expect(collect(spec, { ...first, method: 'GET' }, t.send)).resolves.toEqual([[1], []]);
    expect(t.sent[1]?.url).toBe('https://api.example.com/v2/things?cursor=a+b');
  });

  it('link-header without keepOnlyParams follows the link as given; a top-level array and a 204 are pages', async () => {
    const next = '<https://api.example.com/v1/jobs?_flowId=f1&skip=2&limit=2>; rel="next"';
    const t = scripted(ok('[1,2]', { link: next }), { status: 204, headers: {}, bodyText: '' });
    const pages: unknown[][] = [];
    const spec = { itemsPath: '', pagination: { style: 'link-header', rel: 'next' } } as const;
    for await (const items of walkPages(spec, { ...first, method: 'GET' }, t.send)) pages.push([...items]);
    expect(pages).toEqual([[1, 2], []]);
    expect(t.sent[1]?.url).toBe('https://api.example.com/v1/jobs?_flowId=f1&skip=2&limit=2');
  });

  it('keeps 64-bit integers exact', async () => {
    const t = scripted(ok('{"items":[{"id":9007199254740993}]}'));
    await expect(collect({ style: 'none' }, first, t.send)).resolves.toEqual([[{ id: '9007199254740993' }]]);
  });

  it('link-header: follows rel="next" and drops parameters Shopify refuses beside page_info', async () => {
    const link =
      '<https://api.example.com/v2/things?limit=2&page_info=p1&status=any>; rel="next", <https://api.example.com/x>; rel="previous"';
    const t = scripted(
      ok('{"items":[1]}', { Link: link }),
      ok('{"items":[2]}', { link: '<https://api.example.com/x>; rel="previous"' }),
    );
    await expect(collect(linkHeader, { ...first, method: 'GET' }, t.send)).resolves.toEqual([[1], [2]]);
    expect(t.sent[1]?.url).toBe('https://api.example.com/v2/things?limit=2&page_info=p1');
  });

  it('refuses a next link on another origin', async () => {
    const t = scripted(ok('{"items":[1]}', { link: '<https://evil.example.net/?page_info=p>; rel="next"' }));
    await expect(failure(collect(linkHeader, first, t.send))).resolves.toMatchObject({ code: 'UNSAFE_NEXT_URL' });
  });

  it('offset-hasmore, next-page-token and next-page-url', async () => {
    const offset: PaginationSpec = {
      style: 'offset-hasmore',
      limitParam: 'limit',
      offsetParam: 'offset',
      hasMoreField: 'hasMore',
      pageSize: 2,
    };
    const a = scripted(ok('{"items":[1,2],"hasMore":true}'), ok('{"items":[3],"hasMore":false}'));
    await expect(collect(offset, first, a.send)).resolves.toEqual([[1, 2], [3]]);
    expect(a.sent.map((r) => r.url)).toEqual([
      'https://api.example.com/v2/things?limit=2',
      'https://api.example.com/v2/things?limit=2&offset=2',
    ]);
    const token: PaginationSpec = {
      style: 'next-page-token',
      requestParam: 'nextPageToken',
      responseField: 'nextPageToken',
      lastField: 'isLast',
    };
    const b = scripted(
      ok('{"items":[1],"nextPageToken":"t","isLast":false}'),
      ok('{"items":[2],"nextPageToken":"u","isLast":true}'),
    );
    await expect(collect(token, first, b.send)).resolves.toEqual([[1], [2]]);
    const url: PaginationSpec = { style: 'next-page-url', responseField: 'pagination.next_page' };
    const c = scripted(
      ok('{"items":[1],"pagination":{"next_page":"/v2/things?page=2"}}'),
      ok('{"items":[2],"pagination":{}}'),
    );
    await expect(collect(url, first, c.send)).resolves.toEqual([[1], [2]]);
    expect(c.sent[1]?.url).toBe('https://api.example.com/v2/things?page=2');
  });

  it('429 carries the parsed Retry-After', async () => {
    const t = scripted({ status: 429, headers: { 'Retry-After': '2.0' }, bodyText: '{"errors":"slow down"}' });
    const error = await failure(collect(linkHeader, first, t.send));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterMs: 2000 });
    expect(error.request).toEqual(first);
  });

  it('an expired cursor is CURSOR_INVALID; the same 400 on the first page is HTTP_STATUS', async () => {
    const square = '{"errors":[{"category":"INVALID_REQUEST_ERROR","code":"INVALID_CURSOR","field":"cursor"}]}';
    const t = scripted(ok('{"items":[1],"cursor":"c"}'), { status: 400, headers: {}, bodyText: square });
    await expect(failure(collect(bodyCursor, first, t.send))).resolves.toMatchObject({
      code: 'CURSOR_INVALID',
      status: 400,
    });
    const shopify = '{"errors":{"page_info":["Invalid value."]}}';
    const s = scripted(ok('{"items":[1]}', { link: '<https://api.example.com/?page_info=p>; rel="next"' }), {
      status: 400,
      headers: {},
      bodyText: shopify,
    });
    await expect(failure(collect(linkHeader, first, s.send))).resolves.toMatchObject({ code: 'CURSOR_INVALID' });
    const f = scripted({ status: 400, headers: {}, bodyText: square });
    await expect(failure(collect(bodyCursor, first, f.send))).resolves.toMatchObject({ code: 'HTTP_STATUS' });
  });

  it('stops on a repeated cursor and on a body that is not JSON or has no item array', async () => {
    const loop = scripted(ok('{"items":[1],"cursor":"c"}'), ok('{"items":[2],"cursor":"c"}'));
    await expect(failure(collect(bodyCursor, first, loop.send))).resolves.toMatchObject({ code: 'PAGINATION_LOOP' });
    await expect(failure(collect(bodyCursor, first, scripted(ok('<html>')).send))).resolves.toMatchObject({
      code: 'MALFORMED_PAGE',
    });
    await expect(failure(collect(bodyCursor, first, scripted(ok('{"items":{}}')).send))).resolves.toMatchObject({
      code: 'MALFORMED_PAGE',
    });
  });
});

describe('linkTarget', () => {
  it('finds rel among several links and rel lists', () => {
    expect(linkTarget('<a>; rel="previous", <b>; rel="next"', 'next')).toBe('b');
    expect(linkTarget('<c>; rel="prev next"', 'next')).toBe('c');
    expect(linkTarget('<d>; rel="previous"', 'next')).toBeUndefined();
  });
});
