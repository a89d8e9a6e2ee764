/**
 * The catalogue of events partners can subscribe to (outbound webhooks). Each has a description and
 * a minimal JSON Schema of its `data`: the keys every emitter must provide. Features emit these
 * through `OutboxService.emit` in their own transaction; the webhooks fan-out delivers them.
 */
export interface EventDataSchema {
  type: 'object';
  required: string[];
  properties: Record<string, { type: string | string[]; description?: string }>;
}

export interface EventTypeDefinition {
  description: string;
  schema: EventDataSchema;
}

type Prop = string | [string | string[], string];

function schema(props: Record<string, Prop>, required: string[]): EventDataSchema {
  const properties: EventDataSchema['properties'] = {};
  for (const [k, v] of Object.entries(props)) {
    properties[k] = Array.isArray(v) ? { type: v[0], description: v[1] } : { type: v };
  }
  return { type: 'object', required, properties };
}

export const EVENT_TYPES = {
  'product.created': {
    description: 'A product was created in the catalog.',
    schema: schema({ product_id: ['string', 'product id'], variant_ids: ['array', 'ids of the variants created with it'] }, ['product_id']),
  },
  'product.updated': {
    description: 'A product changed (fields, attributes, media; also each product a bulk job changed).',
    schema: schema(
      { product_id: ['string', 'product id'], changed_fields: ['array', 'names of the changed fields'], bulk_job_id: ['string', 'the bulk job, when one made the change'] },
      ['product_id'],
    ),
  },
  'product.deleted': {
    description: 'A product was deleted, with its variants.',
    schema: schema({ product_id: ['string', 'product id'], variant_ids: 'array', skus: 'array' }, ['product_id']),
  },
  'variant.created': {
    description: 'A variant was added to a product.',
    schema: schema({ product_id: 'string', variant_id: ['string', 'variant id'] }, ['product_id', 'variant_id']),
  },
  'variant.updated': {
    description: 'A variant changed (price, SKU, barcode, options, …).',
    schema: schema({ product_id: 'string', variant_id: 'string', changed_fields: 'array' }, ['product_id', 'variant_id']),
  },
  'variant.deleted': {
    description: 'A variant was deleted.',
    schema: schema({ product_id: 'string', variant_id: 'string', sku: 'string' }, ['product_id', 'variant_id']),
  },
  'export.completed': {
    description: 'A catalog export finished and its file can be downloaded.',
    schema: schema({ export_id: ['string', 'export id'], format: 'string', row_count: 'number', products: 'number' }, ['export_id']),
  },
  'sync.succeeded': {
    description: 'A sync run with a connected platform finished without errors.',
    schema: schema({ id: ['string', 'sync job id'], connection_id: 'string', platform: 'string' }, ['id']),
  },
  'sync.failed': {
    description: 'A sync run with a connected platform failed.',
    schema: schema({ id: ['string', 'sync job id'], connection_id: 'string', platform: 'string', error: 'string' }, ['id']),
  },
  'order.created': {
    description: 'An order arrived from a marketplace, store or the storefront.',
    schema: schema(
      { id: ['string', 'order id'], marketplace: 'string', total: ['number', 'major units'], currency: ['string', 'ISO 4217'] },
      ['id'],
    ),
  },
  'order.updated': {
    description: 'An order’s status or contents changed.',
    schema: schema({ id: ['string', 'order id'], status: 'string' }, ['id']),
  },
  'stock.low': {
    description: 'A product’s stock fell to or below the tenant’s low-stock threshold.',
    schema: schema({ product_id: 'string', sku: 'string', quantity: 'integer', threshold: 'integer' }, ['product_id']),
  },
  'listing.repriced': {
    description: 'A repricer rule changed a listing’s price (the new price is being pushed to the listing’s connection).',
    schema: schema(
      {
        id: ['string', 'listing id'],
        listing_id: ['string', 'listing id'],
        old_price: ['number', 'major units'],
        new_price: ['number', 'major units'],
        currency: ['string', 'ISO 4217'],
        rule_id: ['string', 'the repricer rule that decided'],
        reason: ['string', 'why, in words (e.g. "beat the lowest offer of X at 20.00 by 0.50")'],
        sku: 'string',
        marketplace: 'string',
        connection_id: 'string',
      },
      ['id', 'listing_id', 'old_price', 'new_price', 'rule_id', 'reason'],
    ),
  },
  'settlement.completed': {
    description: 'A marketplace or payment settlement was paid out.',
    schema: schema({ id: ['string', 'settlement id'], amount: 'number', currency: ['string', 'ISO 4217'], marketplace: 'string' }, ['id']),
  },
  'quote.created': {
    description: 'A storefront customer asked for a quote.',
    schema: schema({ id: ['string', 'quote id'], status: 'string' }, ['id']),
  },
  'quote.quoted': {
    description: 'The merchant priced a quote (pending → quoted).',
    schema: schema({ id: ['string', 'quote id'], status: 'string', amount: ['number', 'major units'], currency: ['string', 'ISO 4217'], valid_until: 'string' }, ['id']),
  },
  'quote.accepted': {
    description: 'A customer accepted a quote.',
    schema: schema({ id: ['string', 'quote id'], status: 'string' }, ['id']),
  },
  'quote.paid': {
    description: 'The customer paid an accepted quote (Stripe Checkout on the merchant’s account).',
    schema: schema({ id: ['string', 'quote id'], status: 'string', order_id: ['string', 'the order it became'] }, ['id']),
  },
  'quote.rejected': {
    description: 'The merchant rejected a quote.',
    schema: schema({ id: ['string', 'quote id'], status: 'string' }, ['id']),
  },
  'webhook.test': {
    description: 'Sent by POST /api/v1/webhooks/{id}/test to that endpoint only.',
    schema: schema({ endpoint_id: 'string', message: 'string' }, ['endpoint_id']),
  },
  'webhook.endpoint_disabled': {
    description: 'An endpoint was disabled (it answered 410 Gone, or failed every attempt for the disable period). Sent to the tenant’s other endpoints that subscribe to it.',
    schema: schema({ endpoint_id: 'string', url: 'string', reason: 'string' }, ['endpoint_id', 'reason']),
  },
} as const satisfies Record<string, EventTypeDefinition>;

export type EventType = keyof typeof EVENT_TYPES;

export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_TYPES, type);
}

/** Required keys of the type's schema that `data` lacks (emitters' contract; an empty list is good). */
export function missingEventKeys(type: EventType, data: Record<string, unknown>): string[] {
  return EVENT_TYPES[type].schema.required.filter((k) => data[k] === undefined);
}
