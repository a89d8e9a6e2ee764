import { Plan } from './plan.entity';
import { Tenant } from './tenant.entity';
import { Organization } from './organization.entity';
import { User } from './user.entity';
import { Membership } from './membership.entity';
import { PluginSite } from './plugin-site.entity';
import { ApiKey } from './api-key.entity';
import { TenantSettings } from './tenant-settings.entity';
import { AuditEvent } from './audit-event.entity';
import { DomainEvent } from './domain-event.entity';
import { OutboxEntry } from './outbox-entry.entity';
import {
  Attribute,
  AttributeGroup,
  AttributeGroupAttribute,
  Brand,
  BulkJob,
  CatalogExport,
  Category,
  Media,
  Product,
  ProductTemplate,
  ProductTemplateAttribute,
  Variant,
} from './pim';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookAttempt } from './webhook-attempt.entity';
import { Feed } from './feeds';
import { InboundWebhookReceipt, OAuthState, StoreConnection, SyncRun, SyncState } from './sync';
import { Agent, CompetitorPrice, Listing, ListingPriceChange, RepricerRule } from './listings';
import {
  Channel,
  ChannelStockState,
  InventoryLevel,
  InventoryLocation,
  InventoryMovement,
  InventoryReservation,
  InventoryReservationLine,
  Order,
  OrderFulfillment,
  OrderHistoryEntry,
  OrderLine,
  OrderPayment,
  OrderPullCursor,
  OrderReturn,
} from './orders';
import { CheckoutSession, Quote, Storefront, StorefrontFile, StripeAccount, StripeEvent } from './storefront';
import { Supplier, SupplierItem, SupplierRun, SupplierStagingRow } from './suppliers';

export { Plan, Tenant, Organization, User, Membership, PluginSite, ApiKey, TenantSettings, AuditEvent, DomainEvent, OutboxEntry };
export { WebhookEndpoint, WebhookDelivery, WebhookAttempt };
export type { WebhookDeliveryStatus } from './webhook-delivery.entity';
export type { PlanCode } from './plan.entity';
export type { AuditChanges } from './audit-event.entity';
export * from './pim';
export * from './feeds';
export * from './sync';
export * from './listings';
export * from './orders';
export * from './storefront';
export * from './suppliers';

/** Every entity of the schema; feature issues append theirs here. */
export const ENTITIES = [
  Plan,
  Tenant,
  Organization,
  User,
  Membership,
  PluginSite,
  ApiKey,
  TenantSettings,
  AuditEvent,
  DomainEvent,
  OutboxEntry,
  // PIM
  Category,
  Brand,
  Attribute,
  AttributeGroup,
  AttributeGroupAttribute,
  ProductTemplate,
  ProductTemplateAttribute,
  Product,
  Variant,
  Media,
  CatalogExport,
  BulkJob,
  WebhookEndpoint,
  WebhookDelivery,
  WebhookAttempt,
  // feeds
  Feed,
  // integrations and sync
  StoreConnection,
  OAuthState,
  SyncState,
  SyncRun,
  // plugin and Shopify OAuth: inbound webhook dedupe
  InboundWebhookReceipt,
  // developer API: listings, repricer, agents
  Listing,
  CompetitorPrice,
  RepricerRule,
  ListingPriceChange,
  Agent,
  // orders, inventory and channels
  InventoryLocation,
  InventoryLevel,
  InventoryMovement,
  InventoryReservation,
  InventoryReservationLine,
  Channel,
  ChannelStockState,
  OrderPullCursor,
  Order,
  OrderLine,
  OrderPayment,
  OrderFulfillment,
  OrderReturn,
  OrderHistoryEntry,
  // storefront
  Storefront,
  StripeAccount,
  Quote,
  StorefrontFile,
  CheckoutSession,
  StripeEvent,
  // supplier imports
  Supplier,
  SupplierRun,
  SupplierStagingRow,
  SupplierItem,
];
