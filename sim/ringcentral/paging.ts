import type { Request } from 'express';
import { baseUrl } from './http-support';

/** RingCentral list paging: `page`/`perPage` query, `paging` block and `navigation` URIs (follow `nextPage`). */

export interface Page<T> {
  uri: string;
  records: T[];
  paging: { page: number; totalPages: number; perPage: number; totalElements: number; pageStart?: number; pageEnd?: number };
  navigation: Record<string, { uri: string }>;
}

export type PageParams = { page: number; perPage: number } | { error: 'page' | 'perPage' };

export function pageParams(req: Request, defaultPerPage = 100, maxPerPage = 1000): PageParams {
  const rawPer = req.query.perPage;
  const rawPage = req.query.page;
  let perPage = defaultPerPage;
  if (rawPer !== undefined) {
    if (rawPer === 'max') perPage = maxPerPage;
    else {
      perPage = Number(rawPer);
      if (!Number.isInteger(perPage) || perPage < 1 || perPage > maxPerPage) return { error: 'perPage' };
    }
  }
  const page = rawPage === undefined ? 1 : Number(rawPage);
  if (!Number.isInteger(page) || page < 1) return { error: 'page' };
  return { page, perPage };
}

export function paginate<T>(req: Request, items: T[], page: number, perPage: number): Page<T> {
  const base = `${baseUrl(req)}${req.path}`;
  const link = (p: number): { uri: string } => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query)) {
      if (k === 'page' || k === 'perPage') continue;
      for (const value of Array.isArray(v) ? v : [v]) if (typeof value === 'string') q.append(k, value);
    }
    q.set('page', String(p));
    q.set('perPage', String(perPage));
    return { uri: `${base}?${q.toString()}` };
  };
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const start = (page - 1) * perPage;
  const records = items.slice(start, start + perPage);
  const navigation: Record<string, { uri: string }> = { firstPage: link(1) };
  if (page < totalPages) navigation.nextPage = link(page + 1);
  if (page > 1) navigation.previousPage = link(Math.min(page - 1, totalPages));
  navigation.lastPage = link(totalPages);
  return {
    uri: link(page).uri,
    records,
    paging: {
      page,
      totalPages,
      perPage,
      totalElements: items.length,
      ...(records.length ? { pageStart: start, pageEnd: start + records.length - 1 } : {}),
    },
    navigation,
  };
}

/** Query parameters that may repeat (`direction=Inbound&direction=Outbound`). */
export function multi(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).filter(Boolean);
}
