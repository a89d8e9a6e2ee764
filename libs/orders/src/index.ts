/**
 * @synq/orders — orders, inventory and channels, usable from apps/api and apps/worker alike
 * (import `OrdersLibModule`; it needs only the core module graph: database, events, audit).
 *
 * Every method takes the caller's `TenantContext` first (`{ tenantId, orgId, role, actorType, actorId }`;
 * build one with `systemContext(tenantId, orgId, 'storefront')` or `{ ..., actorType: 'storefront' }`)
 * and filters by its tenant: another tenant's ids are `NotFoundError` (404). Domain errors come from
 * @synq/common (mapped to HTTP by the api's filter); the stock one is `InsufficientStockError`
 * (409, code `INSUFFICIENT_STOCK`, `details[]` = `{ variant_id, sku, requested, available }` per short line);
 * an illegal state change is `IllegalTransitionError` (409, code `ILLEGAL_TRANSITION`, message names the
 * current state). Every write runs in one transaction (pass `manager` / `m` to join the caller's one;
 * OrdersService.create is a single statement, so an INSUFFICIENT_STOCK inside a caller's transaction
 * leaves that transaction aborted: roll it back).
 *
 * InventoryService
 *   - adjust(ctx, { variantId | sku, locationId?, delta, reason, reference? }) → LevelChange (before/after)
 *   - set(ctx, { variantId | sku, locationId?, quantity, reason, reference? }) → LevelChange
 *   - reserve(ctx, [{ variantId | sku, quantity }], { expiresInSeconds?, reference?, channelId?, locationId? })
 *       → ReservationView { id, status: 'active', items, expires_at, … } or InsufficientStockError
 *   - release(ctx, reservationId) / commit(ctx, reservationId) (commit deducts on hand) → ReservationView
 *   - expireDue(limit?) (worker) releases active reservations past expires_at
 *   - defaultLocationId(tenantId); apply(m, ctx, locationId, deltas, { kind, reason, reference }) is the
 *     one write primitive (conditional SQL, movement rows, stock.low on a downward threshold crossing).
 *   available = on_hand − reserved never goes below 0 unless tenant_settings.allow_backorders.
 *
 * OrdersService (lifecycle pending → paid → fulfilled → completed; cancelled; returned / refunded)
 *   - create(ctx, CreateOrderInput, { channel?: 'manual' | 'storefront' | channelId | { connectionId },
 *       reserveForSeconds?, manager? }) → OrderView. Lines `{ variantId | sku, quantity, unitPrice?, title? }`
 *       (unitPrice defaults to the variant price; money as decimal strings or numbers, exact arithmetic).
 *       Pending orders reserve their units (stock_state 'reserved'); with `payment` the order is created
 *       paid and units are deducted. All or nothing: InsufficientStockError (409) when short.
 *       `reserveForSeconds`: the worker cancels the still-pending order and releases stock when due.
 *   - createIn(m, ctx, resolvedChannel, input, opts) → order id (milestone-1 signature) and createOn(…) →
 *       { id, view }: the same on a channel already resolved, joining the transaction of `m` when it has one.
 *   - markPaid(ctx, orderId, { amount?, provider?, method?, reference? }) pending → paid, reserved
 *       units deducted; idempotent per (provider, reference) (e.g. a Stripe checkout session id).
 *   - cancel(ctx, orderId, { reason? }) pending|paid → cancelled: reserved units released, deducted restocked.
 *   - fulfill(ctx, orderId, { carrier?, trackingNumber?, trackingUrl?, lines?: [{ lineId, quantity }] })
 *       paid → fulfilled (partial fulfillment keeps 'paid' until every unit shipped); complete(ctx, id).
 *   - return(ctx, orderId, { lines: [{ lineId, quantity }], reason, restock?, refundAmount? }) → returned|refunded.
 *   - get(ctx, id) → OrderView with lines, totals, payments, fulfillments, returns, history;
 *     list(ctx, { status?, channelId?, createdFrom?, createdTo?, customerEmail?, externalId? }, limit, cursor?)
 *     → { items: OrderView[] (no payments/history), nextCursor? } (keyset on created_at, id);
 *     findByExternalId(ctx, channelId, externalId).
 *   Events (outbox, same transaction): order.created { id, status, channel_id, marketplace, total, currency,
 *   external_id }, order.updated { id, status, previous_status, action }; stock.low { product_id, variant_id, sku,
 *   location_id, quantity, threshold }.
 *
 * ChannelsService: resolve(ctx, 'manual' | 'storefront' | id | { connectionId }) → ResolvedChannel
 *   (created on first use: one per connection, plus manual and storefront).
 *
 * OrderIngestService.ingest(data of the `order.ingest` job) imports a platform order idempotently (the
 * webhook receivers enqueue that job; OrdersEngineModule, worker only, adds stock propagation to channels,
 * the periodic order pull and the expiry timers).
 */
export * from './orders.errors';
export * from './inventory.service';
export * from './channels.service';
export * from './order-view';
export * from './orders.service';
export * from './platform-orders';
export * from './order-ingest.service';
export * from './orders-lib.module';
export * from './stock-propagation.service';
export * from './order-pull.service';
export * from './orders-scheduler.service';
export * from './orders-engine.module';
