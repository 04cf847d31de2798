import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { healthRoutes } from './health.ts';
import { messageRoutes } from './messages.ts';
import { deliveryRoutes } from './deliveries.ts';
import { bounceRoutes } from './bounces.ts';
import { classifyRoutes } from './classify.ts';
import { reasonRoutes } from './reasons.ts';
import { addressRoutes } from './addresses.ts';
import { destinationRoutes } from './destinations.ts';
import { metricsApi, prometheusApi, segmentsApi } from './metrics-context.ts';
import { webRoutes } from '../../web/routes.ts';
import { webhookIngestRoutes } from './webhooks-ingest.ts';
import { outgoingWebhookRoutes } from './webhooks-outgoing.ts';
import { quarantineRoutes } from './quarantine.ts';
import { tagRoutes } from './tags.ts';

/** A route plugin: one file each, registered with the server's context as its options. */
export type RoutePlugin = (app: FastifyInstance, ctx: ServerContext) => Promise<void>;

/** Every route file of the HTTP API. Add a line per file (webhooks, metrics…). */
export const routes: RoutePlugin[] = [
  healthRoutes,
  messageRoutes,
  deliveryRoutes,
  bounceRoutes,
  classifyRoutes,
  reasonRoutes,
  addressRoutes,
  destinationRoutes,
  metricsApi,
  segmentsApi,
  prometheusApi,
  webRoutes,
  webhookIngestRoutes,
  outgoingWebhookRoutes,
  quarantineRoutes,
  tagRoutes,
];
