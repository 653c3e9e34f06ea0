// CozyStack application kinds as the apps.cozystack.io API serves them: the chart a tenant HelmRelease uses,
// the API kind, the HelmRelease name prefix (app `db` of kind Postgres is HelmRelease `postgres-db`), and how
// its data moves to a fresh install. Kinds, prefixes and charts: cozystack/cozystack
// packages/system/cozystack-resource-definitions/cozyrds/*.yaml@v0.37.2 and packages/system/*-rd/cozyrds@v1.6.2.
import semver from 'semver';

/** How an app's data reaches the new cluster. */
export type MoveMethod =
  /** A database: dump on the old cluster, restore into the new app. */
  | 'dump-restore'
  /** Disks (VMs, plain volumes): copy the volume image. */
  | 'volume-copy'
  /** S3 objects: sync bucket to bucket. */
  | 'object-copy'
  /** Nothing to move: applying the manifest re-creates it. */
  | 'recreate'
  /** A tenant: applying it creates the namespace and its modules. */
  | 'tenant'
  /** A tenant Kubernetes cluster: re-created; what runs inside it moves with its own tooling. */
  | 'cluster';

export interface AppKind {
  chart: string;
  kind: string;
  /** HelmRelease name = prefix + app name. */
  prefix: string;
  /** A tenant module: created by the Tenant app when its flag (`ingress: true`, …) is set. */
  module?: true;
  method: MoveMethod;
  /** What to run, with {ns}, {name} (app) and {hr} (HelmRelease) filled in. */
  how: string;
  /** How to tell the data arrived. */
  check: string;
  /** First release without this kind (it was renamed or removed). */
  until?: string;
  /** First release with this kind. */
  since?: string;
  /** Volume claims the app's operators name without the release name (VictoriaMetrics, Grafana of a module). */
  claims?: RegExp;
}

const RECREATE_CHECK = '`kubectl -n {ns} wait helmrelease/{hr} --for=condition=Ready --timeout=15m`';

const recreate = (chart: string, kind: string, prefix: string, extra: Partial<AppKind> = {}): AppKind => ({
  chart,
  kind,
  prefix,
  method: 'recreate',
  how: 'Nothing to copy: applying the manifest re-creates it.',
  check: RECREATE_CHECK,
  ...extra,
});

const module = (chart: string, kind: string, extra: Partial<AppKind> = {}): AppKind =>
  recreate(chart, kind, '', { module: true, ...extra });

export const APP_KINDS: readonly AppKind[] = [
  {
    chart: 'tenant',
    kind: 'Tenant',
    prefix: 'tenant-',
    method: 'tenant',
    how: 'Apply the Tenant: it creates the tenant namespace and the modules it enables.',
    check: RECREATE_CHECK,
  },
  {
    chart: 'postgres',
    kind: 'Postgres',
    prefix: 'postgres-',
    method: 'dump-restore',
    how: 'Stop the writers. Old cluster: `kubectl -n {ns} exec {hr}-1 -c postgres -- pg_dumpall -U postgres --clean --if-exists > {hr}.sql` (the CloudNativePG primary). New cluster, once Ready: `kubectl -n {ns} exec -i {hr}-1 -c postgres -- psql -U postgres -f - < {hr}.sql`.',
    check:
      'Compare `SELECT datname, pg_database_size(datname) FROM pg_database` and the row counts of the largest tables on both clusters.',
  },
  {
    chart: 'mysql',
    kind: 'MySQL',
    prefix: 'mysql-',
    until: '1.0.0',
    method: 'dump-restore',
    how: 'Stop the writers. Old cluster: `kubectl -n {ns} exec {hr}-0 -- sh -c \'mariadb-dump -uroot -p"$MARIADB_ROOT_PASSWORD" --all-databases --single-transaction --routines\' > {hr}.sql`. New cluster, once Ready: pipe it into `mariadb -uroot -p…` in the new primary pod.',
    check:
      'Compare `SELECT table_schema, COUNT(*) FROM information_schema.tables GROUP BY table_schema` and the row counts of the largest tables.',
  },
  {
    chart: 'mariadb',
    kind: 'MariaDB',
    prefix: 'mariadb-',
    since: '1.0.0',
    method: 'dump-restore',
    how: 'Stop the writers. Old cluster: `mariadb-dump --all-databases --single-transaction --routines` in the primary pod of {hr}. New cluster, once Ready: pipe the dump into `mariadb` in the new primary pod.',
    check:
      'Compare `SELECT table_schema, COUNT(*) FROM information_schema.tables GROUP BY table_schema` and the row counts of the largest tables.',
  },
  {
    chart: 'ferretdb',
    kind: 'FerretDB',
    prefix: 'ferretdb-',
    until: '1.0.0',
    method: 'dump-restore',
    how: 'Stop the writers. `mongodump --uri mongodb://…@{hr}.{ns}.svc:27017 --archive={hr}.archive` from a client pod on the old cluster; `mongorestore --archive={hr}.archive` against the new app.',
    check:
      'Compare the collection counts (`db.getCollectionNames().map(c => [c, db[c].countDocuments()])`) of every database.',
  },
  {
    chart: 'mongodb',
    kind: 'MongoDB',
    prefix: 'mongodb-',
    method: 'dump-restore',
    how: 'Stop the writers. `mongodump --archive={hr}.archive` against {hr} on the old cluster; `mongorestore --archive={hr}.archive` against the new app.',
    check: 'Compare the collection counts of every database.',
  },
  {
    chart: 'redis',
    kind: 'Redis',
    prefix: 'redis-',
    method: 'dump-restore',
    how: 'Old cluster: `kubectl -n {ns} exec rfr-{hr}-0 -- redis-cli --rdb /tmp/dump.rdb` and `kubectl cp` it out. New cluster: scale the app to one replica, copy dump.rdb into its data volume, restart it, then scale back.',
    check: 'Compare `redis-cli DBSIZE` and `INFO keyspace` on both clusters.',
  },
  {
    chart: 'clickhouse',
    kind: 'ClickHouse',
    prefix: 'clickhouse-',
    method: 'dump-restore',
    how: 'Old cluster: `BACKUP DATABASE … TO S3(…)` for each database of {hr} (or clickhouse-backup). New cluster, once Ready: `RESTORE DATABASE … FROM S3(…)`.',
    check:
      'Compare `SELECT database, table, sum(rows) FROM system.parts WHERE active GROUP BY database, table`.',
  },
  {
    chart: 'kafka',
    kind: 'Kafka',
    prefix: 'kafka-',
    method: 'dump-restore',
    how: 'Mirror the topics of {hr} into the new cluster (MirrorMaker 2), then move the producers and consumers.',
    check: 'Compare the end offsets of every topic (`kafka-get-offsets.sh`) and the consumer group lags.',
  },
  {
    chart: 'nats',
    kind: 'NATS',
    prefix: 'nats-',
    method: 'dump-restore',
    how: 'For each JetStream stream of {hr}: `nats stream backup STREAM ./backup` on the old cluster, `nats stream restore ./backup` on the new one.',
    check: 'Compare `nats stream report` (messages and bytes per stream).',
  },
  {
    chart: 'rabbitmq',
    kind: 'RabbitMQ',
    prefix: 'rabbitmq-',
    method: 'dump-restore',
    how: 'Old cluster: `kubectl -n {ns} exec {hr}-server-0 -- rabbitmqctl export_definitions /tmp/defs.json`; drain the queues. New cluster: `rabbitmqctl import_definitions`.',
    check: 'Compare `rabbitmqctl list_queues name messages` and the exchanges and bindings.',
  },
  {
    chart: 'foundationdb',
    kind: 'FoundationDB',
    prefix: 'foundationdb-',
    method: 'dump-restore',
    how: 'Back up {hr} with `fdbbackup start -d <blobstore URL>` and restore it into the new app with `fdbrestore start`.',
    check: 'Compare `fdbcli --exec status` (data size, key-value count).',
  },
  {
    chart: 'opensearch',
    kind: 'OpenSearch',
    prefix: 'opensearch-',
    method: 'dump-restore',
    how: 'Take a snapshot of every index of {hr} into an S3 repository and restore it on the new app.',
    check: 'Compare `GET _cat/indices?v` (documents per index).',
  },
  {
    chart: 'qdrant',
    kind: 'Qdrant',
    prefix: 'qdrant-',
    method: 'dump-restore',
    how: 'Create a snapshot of each collection of {hr} (`POST /collections/NAME/snapshots`) and recover it on the new app.',
    check: 'Compare the points count of every collection.',
  },
  {
    chart: 'openbao',
    kind: 'OpenBAO',
    prefix: 'openbao-',
    method: 'dump-restore',
    how: 'Take a raft snapshot of {hr} (`bao operator raft snapshot save`) and restore it on the new app (`bao operator raft snapshot restore -force`); keep the unseal keys at hand.',
    check: 'Unseal the new app and list the secret engines and a few known paths.',
  },
  {
    chart: 'virtual-machine',
    kind: 'VirtualMachine',
    prefix: 'virtual-machine-',
    until: '1.0.0',
    method: 'volume-copy',
    how: 'Stop the VM. Old cluster: `virtctl vmexport download {hr}-export --vm={hr} -n {ns} --output={hr}.img.gz`. New cluster, before the VM boots: `virtctl image-upload pvc <its new disk> -n {ns} --no-create --image-path={hr}.img.gz`.',
    check: 'The VM boots on the new cluster and the image checksum (`sha256sum`) matches the export.',
  },
  {
    chart: 'vm-disk',
    kind: 'VMDisk',
    prefix: 'vm-disk-',
    method: 'volume-copy',
    how: 'Stop the VMs using it. Old cluster: `virtctl vmexport download {hr}-export --pvc={hr} -n {ns} --output={hr}.img.gz`. New cluster, once the disk exists: `virtctl image-upload pvc {hr} -n {ns} --no-create --image-path={hr}.img.gz`.',
    check: 'The image checksum (`sha256sum`) matches the export and the VMs using the disk boot.',
  },
  recreate('vm-instance', 'VMInstance', 'vm-instance-', {
    how: 'Nothing to copy: the instance boots from its disks (VMDisk apps), which move first.',
    check: `${RECREATE_CHECK}; then \`virtctl console {hr} -n {ns}\` shows the guest booted`,
  }),
  {
    chart: 'bucket',
    kind: 'Bucket',
    prefix: 'bucket-',
    method: 'object-copy',
    how: 'After the new bucket exists: `rclone sync old:<bucket> new:<bucket>` with the access keys of both clusters (Secrets of {hr}).',
    check: '`rclone check old:<bucket> new:<bucket>` reports no difference.',
  },
  {
    chart: 'kubernetes',
    kind: 'Kubernetes',
    prefix: 'kubernetes-',
    method: 'cluster',
    how: 'Applying the manifest re-creates the tenant cluster; the workloads inside it move with their own tooling (GitOps re-sync, or Velero backup and restore through the tenant kubeconfig Secret {hr}-admin-kubeconfig).',
    check: `${RECREATE_CHECK}; then \`kubectl --kubeconfig <{hr}-admin-kubeconfig> get nodes\` lists Ready nodes`,
  },
  recreate('kubernetes-nodes', 'KubernetesNodes', 'kubernetes-nodes-'),
  recreate('http-cache', 'HTTPCache', 'http-cache-', {
    how: 'Nothing to copy: a cache fills itself again.',
  }),
  recreate('tcp-balancer', 'TCPBalancer', 'tcp-balancer-'),
  recreate('vpn', 'VPN', 'vpn-'),
  recreate('harbor', 'Harbor', 'harbor-', {
    method: 'object-copy',
    how: 'Replicate the projects of {hr} to the new registry (Harbor replication rules, pull mode).',
    check: 'The repository and artifact counts of every project match.',
  }),
  recreate('vpc', 'VirtualPrivateCloud', 'virtualprivatecloud-'),
  module('ingress', 'Ingress'),
  module('monitoring', 'Monitoring', {
    claims: /^(vmstorage|vmselect|vminsert|vlogs|grafana|alerta)-/,
    how: 'Re-created by the Tenant; metrics and logs history stays on the old cluster unless its volumes are copied.',
  }),
  module('info', 'Info'),
  module('etcd', 'Etcd', {
    method: 'dump-restore',
    how: 'The tenant Kubernetes clusters keep their state here: `etcdctl snapshot save` on the old etcd of {ns}, restore it before the tenant clusters are re-created, or re-create them empty and move their workloads.',
    check: '`etcdctl endpoint status --cluster` is healthy and the tenant clusters see their objects.',
  }),
  module('seaweedfs', 'SeaweedFS', {
    method: 'object-copy',
    how: 'After the new SeaweedFS is Ready, sync every bucket with `rclone sync old:<bucket> new:<bucket>`.',
    check: '`rclone check` reports no difference for every bucket.',
  }),
  module('bootbox', 'BootBox'),
  module('external-dns', 'ExternalDNS'),
];

/** The kind of an app chart, or undefined for a chart the table does not know. */
export function appKindOf(chart: string): AppKind | undefined {
  return APP_KINDS.find((k) => k.chart === chart);
}

/** Whether this kind is served by `version` (X.Y.Z), as far as the table knows. */
export function kindServedAt(kind: AppKind, version: string): boolean {
  if (kind.until && semver.gte(version, kind.until)) return false;
  if (kind.since && semver.lt(version, kind.since)) return false;
  return true;
}

/** `{ns}`, `{name}`, `{hr}` filled in. */
export function fillTemplate(text: string, values: { ns: string; name: string; hr: string }): string {
  return text.replaceAll('{ns}', values.ns).replaceAll('{name}', values.name).replaceAll('{hr}', values.hr);
}
