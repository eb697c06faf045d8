/**
 * The one route table. The CDK stack makes an HTTP API route and a Lambda integration from each
 * entry; the local runner serves exactly these; the OpenAPI document lists exactly these. A route
 * cannot exist in one and not the others.
 */
import type { z } from 'zod';
import * as s from '#shared/api/schemas';

/** One Lambda function per capability (functions/<name>.ts). */
export type FunctionName = 'meta' | 'identity' | 'sessions' | 'payments' | 'challenges';

/** none: public; player/server: that kind of credential only; account: either (CONTRACT.md "player or server"). */
export type Auth = 'none' | 'player' | 'server' | 'account';

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  fn: FunctionName;
  auth: Auth;
  summary: string;
  body?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

const route = <const R extends RouteSpec>(r: R): R => r;

export const routes = {
  health: route({
    method: 'GET', path: '/health', fn: 'meta', auth: 'none', summary: 'Liveness',
    responses: { 200: { description: 'Up', schema: s.Health } },
  }),
  openapi: route({
    method: 'GET', path: '/openapi.json', fn: 'meta', auth: 'none', summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  }),
} as const satisfies Record<string, RouteSpec>;

export type OperationId = keyof typeof routes;
export type RouteOf<K extends OperationId> = (typeof routes)[K];

export const routeKey = (r: RouteSpec): string => `${r.method} ${r.path}`;

export const routeList = (): Array<[OperationId, RouteSpec]> => Object.entries(routes) as Array<[OperationId, RouteSpec]>;

export function findRoute(key: string): [OperationId, RouteSpec] | undefined {
  return routeList().find(([, r]) => routeKey(r) === key);
}
