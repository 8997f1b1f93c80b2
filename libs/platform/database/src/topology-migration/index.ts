export { TopologyMoveRefused, type Move, type TopologyMoveOptions } from './catalog';
export { PgToolsMissing } from './pg-tools';
export { migrateTopology, type MigrateTopologyOptions } from './migrate-topology';
export { verifyTopology, type TopologyReport } from './verify-topology';
export { dropTopologySource } from './drop-source';
export { formatVerification, type VerificationRow } from './verification';
export { snapshotSchema, type SchemaSnapshot } from './snapshot';
