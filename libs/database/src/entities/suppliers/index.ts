export { Supplier } from './supplier.entity';
export type { SupplierFormat, SupplierMatchOn, SupplierOnMissing, SupplierMappingEntry, SupplierSchedule } from './supplier.entity';
export { SupplierRun } from './supplier-run.entity';
export type { SupplierRunStatus, SupplierRunTrigger, SupplierRunRowError } from './supplier-run.entity';
export { SupplierStagingRow } from './supplier-staging-row.entity';
export { SupplierItem } from './supplier-item.entity';
