export { InventoryLocation, InventoryLevel, InventoryMovement, InventoryReservation, InventoryReservationLine } from './inventory.entity';
export type { MovementKind, ReservationStatus } from './inventory.entity';
export { Channel, ChannelStockState, OrderPullCursor } from './channel.entity';
export type { ChannelKind } from './channel.entity';
export { Order, OrderLine, OrderPayment, OrderFulfillment, OrderReturn, OrderHistoryEntry } from './order.entity';
export type { OrderStatus, OrderStockState, OrderItemQuantity } from './order.entity';
