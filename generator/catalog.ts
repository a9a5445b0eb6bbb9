/*
 * What OpenStack CI looks like, for the generator: Zuul jobs and the projects that run them,
 * branches, pipelines, the files logscraper downloads for each kind of job (with the tags of
 * ci-log-processing's download list), and the ordinary lines those files contain.
 *
 * Everything here is invented in the style of real logs; no real log text is copied.
 */
import type { Rng } from './random';

export type JobKind = 'devstack' | 'grenade' | 'multinode' | 'swift' | 'ironic' | 'tox' | 'docs';

export interface JobSpec {
  name: string;
  kind: JobKind;
  projects: string[];
  /** Non-voting in check (gate and periodic run voting jobs only). */
  nonVoting?: boolean;
  /** Relative frequency. */
  weight: number;
  /** Runs in the periodic pipeline too. */
  periodic?: boolean;
}

const SERVICE_PROJECTS = [
  'openstack/nova',
  'openstack/neutron',
  'openstack/cinder',
  'openstack/glance',
  'openstack/keystone',
  'openstack/placement',
  'openstack/tempest',
  'openstack/devstack',
  'openstack/swift',
];
export const ALL_PROJECTS = [
  ...SERVICE_PROJECTS,
  'openstack/ironic',
  'openstack/oslo.messaging',
  'openstack/oslo.db',
  'openstack/python-novaclient',
  'openstack/python-openstackclient',
  'openstack/requirements',
  'openstack/os-brick',
  'openstack/neutron-lib',
];

export const JOBS: JobSpec[] = [
  { name: 'tempest-full-py3', kind: 'devstack', projects: SERVICE_PROJECTS, weight: 10, periodic: true },
  {
    name: 'tempest-integrated-compute',
    kind: 'devstack',
    projects: ['openstack/nova', 'openstack/placement', 'openstack/os-brick'],
    weight: 6,
  },
  {
    name: 'tempest-integrated-networking',
    kind: 'devstack',
    projects: ['openstack/neutron', 'openstack/neutron-lib'],
    weight: 5,
  },
  {
    name: 'tempest-integrated-storage',
    kind: 'devstack',
    projects: ['openstack/cinder', 'openstack/glance', 'openstack/os-brick'],
    weight: 5,
  },
  {
    name: 'tempest-slow-py3',
    kind: 'multinode',
    projects: ['openstack/nova', 'openstack/tempest', 'openstack/neutron'],
    weight: 3,
  },
  {
    name: 'tempest-multinode-full-py3',
    kind: 'multinode',
    projects: ['openstack/nova', 'openstack/neutron', 'openstack/tempest'],
    weight: 3,
    periodic: true,
  },
  { name: 'nova-live-migration', kind: 'multinode', projects: ['openstack/nova'], weight: 3 },
  { name: 'nova-next', kind: 'devstack', projects: ['openstack/nova'], weight: 3, periodic: true },
  { name: 'nova-ceph-multistore', kind: 'devstack', projects: ['openstack/nova', 'openstack/glance'], weight: 2 },
  { name: 'nova-multi-cell', kind: 'multinode', projects: ['openstack/nova'], weight: 2 },
  {
    name: 'neutron-ovn-tempest-ipv6-only',
    kind: 'devstack',
    projects: ['openstack/neutron'],
    weight: 2,
    nonVoting: true,
  },
  { name: 'neutron-ovs-tempest-slow', kind: 'devstack', projects: ['openstack/neutron'], weight: 2, nonVoting: true },
  { name: 'neutron-tempest-plugin-ovn', kind: 'devstack', projects: ['openstack/neutron'], weight: 3 },
  {
    name: 'cinder-tempest-plugin-lvm-lio-barbican',
    kind: 'devstack',
    projects: ['openstack/cinder', 'openstack/os-brick'],
    weight: 2,
  },
  {
    name: 'glance-multistore-cinder-import',
    kind: 'devstack',
    projects: ['openstack/glance'],
    weight: 1,
    nonVoting: true,
  },
  {
    name: 'devstack-platform-ubuntu-noble',
    kind: 'devstack',
    projects: ['openstack/devstack'],
    weight: 1,
    nonVoting: true,
  },
  {
    name: 'grenade',
    kind: 'grenade',
    projects: [
      'openstack/nova',
      'openstack/neutron',
      'openstack/cinder',
      'openstack/glance',
      'openstack/keystone',
      'openstack/devstack',
    ],
    weight: 5,
  },
  {
    name: 'grenade-skip-level',
    kind: 'grenade',
    projects: ['openstack/nova', 'openstack/neutron', 'openstack/cinder', 'openstack/devstack'],
    weight: 2,
    nonVoting: true,
  },
  { name: 'nova-grenade-multinode', kind: 'grenade', projects: ['openstack/nova'], weight: 2 },
  { name: 'swift-dsvm-functional', kind: 'swift', projects: ['openstack/swift'], weight: 2 },
  { name: 'ironic-tempest-bios-ipmi-direct', kind: 'ironic', projects: ['openstack/ironic'], weight: 2 },
  {
    name: 'ironic-tempest-uefi-redfish-vmedia',
    kind: 'ironic',
    projects: ['openstack/ironic'],
    weight: 1,
    nonVoting: true,
  },
  { name: 'ironic-standalone', kind: 'ironic', projects: ['openstack/ironic'], weight: 1 },
  { name: 'openstack-tox-py310', kind: 'tox', projects: ALL_PROJECTS, weight: 6, periodic: true },
  { name: 'openstack-tox-py311', kind: 'tox', projects: ALL_PROJECTS, weight: 6 },
  { name: 'openstack-tox-py312', kind: 'tox', projects: ALL_PROJECTS, weight: 8, periodic: true },
  { name: 'openstack-tox-pep8', kind: 'tox', projects: ALL_PROJECTS, weight: 7 },
  { name: 'openstack-tox-cover', kind: 'tox', projects: ALL_PROJECTS, weight: 2, nonVoting: true },
  { name: 'openstack-tox-docs', kind: 'docs', projects: ALL_PROJECTS, weight: 3 },
  { name: 'build-openstack-releasenotes', kind: 'docs', projects: ALL_PROJECTS, weight: 2 },
];

export const BRANCHES: Record<string, number> = {
  master: 78,
  'stable/2025.2': 7,
  'stable/2025.1': 6,
  'stable/2024.2': 5,
  'stable/2024.1': 4,
};

export const QUEUES: Record<string, number> = { check: 64, gate: 24, periodic: 12 };

export const REGIONS = [
  'ovh-bhs1',
  'ovh-gra1',
  'rax-dfw',
  'rax-iad',
  'rax-ord',
  'raxflex-sjc3',
  'vexxhost-ca-ymq-1',
  'openmetal-iad3',
];
export const EXECUTORS = Array.from({ length: 12 }, (_, i) => `ze${String(i + 1).padStart(2, '0')}.opendev.org`);
export const LOG_STORAGE = 'https://zuul-logs.example.org';

/* ---------------- files ---------------- */

/** How a file's lines look, which decides how `message` is cut from the line. */
export type LineFormat = 'console' | 'devstack' | 'oslo' | 'tempest' | 'syslog' | 'custom';

export interface FileSpec {
  /** Path relative to the build's log root (logscraper keeps only the basename). */
  path: string;
  /** Configured tags; the basename is appended, as logsender does. */
  tags: string[];
  format: LineFormat;
  /** Process name in oslo/syslog lines and the noise pool to draw from. */
  service: string;
  /** Share of the build's lines. */
  weight: number;
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

const S = ['screen', 'oslofmt', 'devstack'];
const f = (path: string, tags: string[], format: LineFormat, service: string, weight: number): FileSpec => ({
  path,
  tags,
  format,
  service,
  weight,
});

export const JOB_OUTPUT = f('job-output.txt', ['console', 'console.html'], 'console', 'console', 40);
const DEVSTACK_FILES: FileSpec[] = [
  JOB_OUTPUT,
  f('controller/logs/devstacklog.txt', ['console', 'console.html', 'devstack'], 'devstack', 'devstack', 10),
  f('controller/logs/tempest_log.txt', [...S.slice(0, 2), 'tempest', 'devstack'], 'tempest', 'tempest', 6),
  f('controller/logs/screen-n-api.txt', [...S, 'nova'], 'oslo', 'nova-api', 5),
  f('controller/logs/screen-n-cpu.txt', [...S, 'nova'], 'oslo', 'nova-compute', 9),
  f('controller/logs/screen-n-cond-cell1.txt', [...S, 'nova'], 'oslo', 'nova-conductor', 3),
  f('controller/logs/screen-n-sch.txt', [...S, 'nova'], 'oslo', 'nova-scheduler', 3),
  f('controller/logs/screen-placement-api.txt', [...S, 'placement'], 'oslo', 'placement-api', 2),
  f('controller/logs/screen-q-svc.txt', [...S, 'neutron'], 'oslo', 'neutron-server', 6),
  f('controller/logs/screen-q-agt.txt', [...S, 'neutron'], 'oslo', 'neutron-openvswitch-agent', 3),
  f('controller/logs/screen-q-dhcp.txt', [...S, 'neutron'], 'oslo', 'neutron-dhcp-agent', 2),
  f('controller/logs/screen-q-ovn-metadata-agent.txt', [...S, 'neutron'], 'oslo', 'neutron-ovn-metadata-agent', 2),
  f('controller/logs/screen-c-api.txt', [...S, 'cinder'], 'oslo', 'cinder-api', 3),
  f('controller/logs/screen-c-vol.txt', [...S, 'cinder'], 'oslo', 'cinder-volume', 3),
  f('controller/logs/screen-g-api.txt', [...S, 'glance'], 'oslo', 'glance-api', 3),
  f('controller/logs/screen-keystone.txt', [...S, 'keystone'], 'oslo', 'keystone', 2),
  f('controller/logs/syslog.txt', ['syslog'], 'syslog', 'syslog', 4),
];
const MULTINODE_FILES: FileSpec[] = [
  ...DEVSTACK_FILES,
  f('compute1/logs/screen-n-cpu.txt', [...S, 'nova', 'multinode'], 'oslo', 'nova-compute', 6),
  f('compute1/logs/screen-q-agt.txt', [...S, 'neutron', 'multinode'], 'oslo', 'neutron-openvswitch-agent', 2),
  f('compute1/logs/syslog.txt', [...S, 'syslog', 'multinode'], 'syslog', 'syslog', 2),
];

export const FILES_BY_KIND: Record<JobKind, FileSpec[]> = {
  devstack: DEVSTACK_FILES,
  multinode: MULTINODE_FILES,
  grenade: [
    ...DEVSTACK_FILES,
    f('controller/logs/grenade.sh_log.txt', ['console', 'console.html', 'grenade'], 'devstack', 'grenade', 8),
  ],
  swift: [...DEVSTACK_FILES, f('controller/logs/screen-s-proxy.txt', [...S, 'swift'], 'oslo', 'proxy-server', 5)],
  ironic: [
    ...DEVSTACK_FILES,
    f('controller/logs/screen-ir-cond.txt', [...S, 'ironic'], 'oslo', 'ironic-conductor', 5),
    f('controller/logs/screen-ir-api.txt', [...S, 'ironic'], 'oslo', 'ironic-api', 2),
  ],
  tox: [JOB_OUTPUT],
  docs: [JOB_OUTPUT],
};

/** Every file the catalog knows, by basename (first definition wins). */
export const FILES_BY_BASENAME: Map<string, FileSpec> = (() => {
  const m = new Map<string, FileSpec>();
  for (const list of Object.values(FILES_BY_KIND))
    for (const spec of list) if (!m.has(basename(spec.path))) m.set(basename(spec.path), spec);
  return m;
})();

/** Written by logscraper for builds without logs (NODE_FAILURE). */
export const CUSTOM_RESULTS = f('custom-job-results.txt', [], 'custom', 'custom', 1);

/** A file the catalog does not know, named by a signature (e.g. `tags:"screen-foo.txt"`). */
export function adHocFile(base: string, extraTags: string[]): FileSpec {
  const screen = /^screen-/.test(base);
  const tags = screen ? [...S] : /syslog/.test(base) ? ['syslog'] : ['console', 'console.html'];
  for (const t of extraTags) if (t !== base && !tags.includes(t)) tags.push(t);
  return f(
    `controller/logs/${base}`,
    tags,
    screen ? 'oslo' : /syslog/.test(base) ? 'syslog' : 'console',
    screen ? base.replace(/^screen-|\.txt$/g, '') : 'console',
    2,
  );
}

/* ---------------- noise ---------------- */

export interface LineContext {
  rng: Rng;
  /** Process of the file being written (oslo files), for module names of error lines. */
  service?: string;
  /** Node name, e.g. np0039123456. */
  node: string;
  job: string;
  project: string;
  branch: string;
}

type Gen = (c: LineContext) => string;

const PKGS = [
  'oslo.config',
  'oslo.messaging',
  'keystoneauth1',
  'python-novaclient',
  'SQLAlchemy',
  'eventlet',
  'requests',
  'PyMySQL',
  'kombu',
  'WebOb',
  'stevedore',
  'netaddr',
  'os-brick',
  'pbr',
  'alembic',
  'Routes',
  'jsonschema',
  'cryptography',
  'paramiko',
  'tenacity',
];
const ROLES = [
  'devstack',
  'configure-swap',
  'setup-devstack-source-dirs',
  'run-devstack',
  'tempest',
  'fetch-subunit-output',
  'process-stackviz',
  'ensure-tox',
  'tox',
  'fetch-tox-output',
  'prepare-workspace-git',
  'validate-host',
  'emit-job-header',
  'ensure-pip',
  'upload-logs-swift',
];
const TASKS = [
  'Gather facts',
  'Run devstack',
  'Run tempest',
  'Install pip',
  'Copy devstack log files',
  'Check for subunit file',
  'Write the local.conf file',
  'Ensure tox is installed',
  'Run tox testing',
  'Sync git repos',
  'Find tox directories to synchrionize',
  'Generate stackviz report',
  'Set up swap',
  'Collect system information',
];
export const TEMPEST_TESTS: string[] = [];
const TEST_MODULES = [
  'tempest.api.compute.servers.test_create_server.ServersTestJSON.test_list_servers',
  'tempest.api.compute.servers.test_server_actions.ServerActionsTestJSON.test_reboot_server_hard',
  'tempest.api.network.test_ports.PortsTestJSON.test_create_update_delete_port',
  'tempest.api.volume.test_volumes_get.VolumesGetTest.test_volume_create_get_update_delete',
  'tempest.api.image.v2.test_images.BasicOperationsImagesTest.test_register_upload_get_image_file',
  'tempest.api.identity.admin.v3.test_projects.ProjectsTestJSON.test_project_create_with_description',
  'tempest.scenario.test_network_basic_ops.TestNetworkBasicOps.test_network_basic_ops',
  'tempest.scenario.test_server_basic_ops.TestServerBasicOps.test_server_basic_ops',
  'tempest.api.compute.volumes.test_attach_volume.AttachVolumeTestJSON.test_attach_detach_volume',
  'tempest.api.object_storage.test_object_services.ObjectTest.test_create_object',
];
export const UNIT_TEST_NAMES: string[] = [];
const UNIT_TESTS = [
  'compute.test_compute.ComputeTestCase.test_run_terminate',
  'db.test_migrations.TestMigrationsWalk.test_walk_versions',
  'api.test_wsgi.TestWSGIServer.test_start_stop',
  'objects.test_objects.TestObjectVersions.test_versions',
  'conductor.test_conductor.ConductorTaskTestCase.test_build_instances',
  'virt.libvirt.test_driver.LibvirtConnTestCase.test_get_guest_config',
  'network.test_neutron.TestAPI.test_allocate_for_instance',
  'scheduler.test_filter_scheduler.FilterSchedulerTestCase.test_schedule',
];

TEMPEST_TESTS.push(
  ...TEST_MODULES,
  'tempest.api.compute.servers.test_server_rescue.ServerRescueTestJSON.test_rescue_unrescue_instance',
  'tempest.api.compute.admin.test_live_migration.LiveMigrationTest.test_live_block_migration',
  'tempest.api.network.test_routers.RoutersTest.test_add_remove_router_interface_with_subnet_id',
  'tempest.api.volume.test_volumes_snapshots.VolumesSnapshotTestJSON.test_snapshot_create_delete_with_volume_in_use',
  'tempest.api.image.v2.test_images.ImportImagesTest.test_image_glance_direct_import',
  'tempest.scenario.test_volume_boot_pattern.TestVolumeBootPattern.test_volume_boot_pattern',
  'tempest.scenario.test_minimum_basic.TestMinimumBasicScenario.test_minimum_basic_scenario',
  'tempest.api.compute.servers.test_attach_interfaces.AttachInterfacesTestJSON.test_create_list_show_delete_interfaces_by_network_port',
);
UNIT_TEST_NAMES.push(
  ...UNIT_TESTS,
  'test_utils.GenericUtilsTestCase.test_parse_server_string',
  'db.test_api.DBAPITestCase.test_instance_get_all_by_filters',
  'test_context.ContextTestCase.test_request_context_elevated',
);

const ip = (c: LineContext) => `10.${c.rng.int(4)}.${c.rng.int(256)}.${1 + c.rng.int(250)}`;
const secs = (c: LineContext, max = 30) => (c.rng.next() * max).toFixed(3);
const req = (c: LineContext) => `req-${c.rng.uuid()}`;
const inst = (c: LineContext) => `[instance: ${c.rng.uuid()}]`;
const tempestUser = (c: LineContext) => {
  const cls = c.rng.pick([
    'ServersTestJSON',
    'PortsTestJSON',
    'VolumesGetTest',
    'ImagesTest',
    'AttachVolumeTestJSON',
    'TestNetworkBasicOps',
  ]);
  const n = 1000000000 + c.rng.int(999999999);
  return `tempest-${cls}-${n} tempest-${cls}-${n}-project-member`;
};
const ctx = (c: LineContext) => `[None ${req(c)} ${tempestUser(c)}]`;
const sysctx = (c: LineContext) => `[None ${req(c)} None None]`;
const pick = <T>(c: LineContext, items: readonly T[]): T => c.rng.pick(items);
const host = (c: LineContext) => pick(c, ['controller', 'controller', 'controller', 'compute1']);

const CONSOLE: Gen[] = [
  (c) => `TASK [${pick(c, ROLES)} : ${pick(c, TASKS)}]`,
  (c) => `${host(c)} | ok: Runtime: 0:00:${String(c.rng.int(60)).padStart(2, '0')}.${c.rng.range(100000, 999999)}`,
  (c) => `${host(c)} | changed`,
  (c) => `ok: [${host(c)}]`,
  (c) => `changed: [${host(c)}]`,
  (c) => `skipping: [${host(c)}]`,
  (c) =>
    `${host(c)} | + ./stack.sh:main:${c.rng.range(200, 1500)} : echo_summary 'Configuring ${pick(c, ['Nova', 'Neutron', 'Cinder', 'Glance', 'Keystone', 'Placement'])}'`,
  (c) => `${host(c)} | {${c.rng.int(4)}} ${pick(c, TEST_MODULES)} [${secs(c, 90)}s] ... ok`,
  (c) =>
    `${host(c)} | {${c.rng.int(4)}} ${c.project.replace('openstack/', '').replace(/[.-]/g, '_')}.tests.unit.${pick(c, UNIT_TESTS)} [${secs(c, 4)}s] ... ok`,
  (c) => `${host(c)} | Collecting ${pick(c, PKGS)}>=${c.rng.range(1, 9)}.${c.rng.int(20)}.${c.rng.int(5)}`,
  (c) =>
    `${host(c)} | Requirement already satisfied: ${pick(c, PKGS)} in /opt/stack/data/venv/lib/python3.12/site-packages (${c.rng.range(1, 9)}.${c.rng.int(20)}.${c.rng.int(5)})`,
  (c) =>
    `${host(c)} | Successfully installed ${pick(c, PKGS)}-${c.rng.range(1, 9)}.${c.rng.int(20)}.${c.rng.int(5)} ${pick(c, PKGS)}-${c.rng.range(1, 9)}.${c.rng.int(20)}.${c.rng.int(5)}`,
  (c) => `PLAY [${pick(c, ['all', 'controller', 'tempest', 'subnode', 'localhost'])}]`,
  (c) =>
    `${host(c)} : ok=${c.rng.range(10, 90)}  changed=${c.rng.range(1, 40)}  unreachable=0    failed=0    skipped=${c.rng.range(0, 30)}   rescued=0    ignored=${c.rng.int(2)}`,
  (c) =>
    `${host(c)} | ${pick(c, ['py312', 'py311', 'py310', 'pep8', 'cover'])}: commands[${c.rng.int(3)}] /home/zuul/src/opendev.org/${c.project}$ stestr run --slowest`,
  (c) =>
    `RUN START: [untrusted : opendev.org/openstack/${pick(c, ['tempest', 'devstack'])}/playbooks/${pick(c, ['devstack-tempest.yaml', 'pre.yaml', 'post.yaml'])}@${c.branch}]`,
  (c) =>
    `RUN END RESULT_NORMAL: [untrusted : opendev.org/openstack/${pick(c, ['tempest', 'devstack'])}/playbooks/${pick(c, ['devstack-tempest.yaml', 'pre.yaml', 'post.yaml'])}@${c.branch}]`,
  (c) => `${host(c)} |  - Passed: ${c.rng.range(800, 1600)}`,
  (c) => `${host(c)} |  - Skipped: ${c.rng.range(50, 300)}`,
  (c) => `${host(c)} | Sum of execute time for each test: ${(c.rng.next() * 9000).toFixed(4)}`,
  (c) => `${host(c)} | Job: ${c.job}`,
  (c) => `${host(c)} | Pipeline: ${pick(c, ['check', 'gate', 'periodic'])}`,
  (c) =>
    `${host(c)} | ${pick(c, ['Reading package lists...', 'Building dependency tree...', 'Reading state information...'])}`,
  (c) =>
    `${host(c)} | Get:${c.rng.range(1, 80)} http://mirror.${pick(c, REGIONS)}.opendev.org/ubuntu noble/main amd64 ${pick(c, ['libvirt0', 'qemu-system-x86', 'openvswitch-switch', 'mysql-server-8.0', 'rabbitmq-server', 'apache2'])} [${c.rng.range(10, 900)} kB]`,
];

const DEVSTACK: Gen[] = [
  (c) =>
    `+ lib/${pick(c, ['nova', 'neutron', 'cinder', 'glance', 'keystone', 'placement'])}:${pick(c, ['configure', 'install', 'start', 'init'])}_${pick(c, ['nova', 'neutron', 'cinder', 'glance', 'keystone', 'placement'])}:${c.rng.range(20, 900)} : iniset /etc/${pick(c, ['nova/nova.conf', 'neutron/neutron.conf', 'cinder/cinder.conf'])} DEFAULT ${pick(c, ['debug', 'use_syslog', 'transport_url', 'my_ip'])} ${pick(c, ['True', 'False', ip(c)])}`,
  (c) => `+ functions-common:service_check:${c.rng.range(1500, 1700)} : local service`,
  (c) =>
    `+ ./stack.sh:main:${c.rng.range(200, 1500)} : run_process ${pick(c, ['n-cpu', 'n-api', 'q-svc', 'c-vol', 'g-api', 'placement-api'])} '/opt/stack/data/venv/bin/${pick(c, ['nova-compute', 'neutron-server', 'cinder-volume', 'glance-api'])} --config-file /etc/${pick(c, ['nova/nova-cpu.conf', 'neutron/neutron.conf', 'cinder/cinder.conf'])}'`,
  (c) =>
    `+ functions-common:pip_install:${c.rng.range(3000, 3300)} : sudo -H /opt/stack/data/venv/bin/pip install -c /opt/stack/requirements/upper-constraints.txt -e /opt/stack/${pick(c, ['nova', 'neutron', 'cinder', 'glance'])}`,
  (c) => `Processing /opt/stack/${pick(c, ['nova', 'neutron', 'cinder', 'glance', 'keystone'])}`,
  (c) => `+ lib/apache:restart_apache_server:${c.rng.range(300, 400)} : restart_service apache2`,
  (_c) => `DevStack Component Timing`,
  (c) =>
    ` ${pick(c, ['run_process', 'apt-get', 'pip_install', 'osc', 'wait_for_service', 'dbsync'])} - ${c.rng.range(1, 400)} secs`,
  (c) => `This is your host IP address: ${ip(c)}`,
  (c) => `Keystone is serving at http://${ip(c)}/identity/`,
];

const TEMPEST: Gen[] = [
  (c) =>
    `${c.rng.range(10000, 99999)} INFO tempest.lib.common.rest_client [${req(c)} ${req(c)}] Request (${pick(c, ['ServersTestJSON', 'PortsTestJSON', 'VolumesGetTest'])}:${pick(c, ['test_list_servers', 'test_create_port', 'test_volume_create_get_update_delete', 'setUpClass', 'tearDownClass'])}): ${pick(c, [200, 200, 201, 202, 204, 404])} ${pick(c, ['GET', 'POST', 'DELETE', 'PUT'])} http://${ip(c)}/${pick(c, ['compute/v2.1/servers', 'networking/v2.0/ports', 'volume/v3/volumes', 'image/v2/images'])}/${c.rng.uuid()} ${secs(c, 3)}s`,
  (c) =>
    `${c.rng.range(10000, 99999)} INFO tempest.common.waiters [-] State transition "${pick(c, ['BUILD/scheduling', 'BUILD/spawning', 'BUILD/networking', 'ACTIVE/None'])}" ==> "${pick(c, ['BUILD/spawning', 'ACTIVE/None', 'BUILD/block_device_mapping'])}" after ${c.rng.range(1, 30)} second wait`,
  (c) => `${c.rng.range(10000, 99999)} INFO tempest [-] Using tempest config file /opt/stack/tempest/etc/tempest.conf`,
];

function osloGens(service: string): Gen[] {
  const mod: Record<string, string[]> = {
    'nova-api': [
      'nova.api.openstack.requestlog',
      'nova.osapi_compute.wsgi.server',
      'nova.api.openstack.compute.server_external_events',
    ],
    'nova-compute': [
      'nova.compute.manager',
      'nova.compute.claims',
      'nova.virt.libvirt.driver',
      'nova.compute.resource_tracker',
      'os_vif',
    ],
    'nova-conductor': ['nova.conductor.manager', 'nova.conductor.tasks.migrate'],
    'nova-scheduler': ['nova.scheduler.manager', 'nova.scheduler.host_manager'],
    'placement-api': ['placement.requestlog'],
    'neutron-server': [
      'neutron.wsgi',
      'neutron.db.ovn_revision_numbers_db',
      'neutron.plugins.ml2.plugin',
      'neutron.notifiers.nova',
    ],
    'neutron-openvswitch-agent': [
      'neutron.agent.securitygroups_rpc',
      'neutron.plugins.ml2.drivers.openvswitch.agent.ovs_neutron_agent',
    ],
    'neutron-dhcp-agent': ['neutron.agent.dhcp.agent'],
    'neutron-ovn-metadata-agent': ['neutron.agent.ovn.metadata.agent'],
    'cinder-api': ['cinder.api.openstack.wsgi', 'cinder.volume.api'],
    'cinder-volume': [
      'cinder.volume.manager',
      'cinder.volume.flows.manager.create_volume',
      'cinder.volume.drivers.lvm',
    ],
    'glance-api': ['eventlet.wsgi.server', 'glance.api.v2.images', 'glance_store.multi_backend'],
    keystone: ['keystone.server.flask.request_processing.middleware.auth_context', 'keystone.common.wsgi'],
    'proxy-server': ['proxy-server'],
    'ironic-conductor': ['ironic.conductor.utils', 'ironic.conductor.task_manager'],
    'ironic-api': ['ironic.api.app'],
  };
  const modules = mod[service] ?? [`${service.replace(/-/g, '_')}.service`];
  const http = (c: LineContext) =>
    `${ip(c)} "${pick(c, ['GET', 'GET', 'POST', 'PUT', 'DELETE'])} /${pick(c, ['compute/v2.1/servers', 'v2.0/ports', 'volume/v3/volumes', 'v2/images', 'placement/allocations', 'identity/v3/auth/tokens'])}/${c.rng.uuid()}" status: ${pick(c, [200, 200, 200, 201, 202, 204, 404])} len: ${c.rng.range(0, 4000)} microversion: 2.${c.rng.int(96)} time: ${(c.rng.next() * 2).toFixed(6)}`;
  const generic: Gen[] = [
    (c) => `INFO ${pick(c, modules)} ${ctx(c)} ${http(c)}`,
    (c) =>
      `INFO oslo_service.periodic_task ${sysctx(c)} Running periodic task ${pick(c, ['ComputeManager._poll_rebooting_instances', 'ComputeManager.update_available_resource', 'ComputeManager._heal_instance_info_cache', 'VolumeManager.publish_service_capabilities'])}`,
    (c) =>
      `WARNING oslo_config.cfg [-] Deprecated: Option "${pick(c, ['use_neutron', 'firewall_driver', 'notify_on_state_change', 'auth_uri'])}" from group "${pick(c, ['DEFAULT', 'keystone_authtoken', 'oslo_messaging_notifications'])}" is deprecated for removal.  Its value may be silently ignored in the future.`,
    (c) =>
      `INFO oslo_messaging._drivers.amqpdriver ${sysctx(c)} Reconnected to AMQP server on ${ip(c)}:5672 via [amqp] client with port ${c.rng.range(30000, 60000)}.`,
  ];
  const specific: Record<string, Gen[]> = {
    'nova-compute': [
      (c) =>
        `INFO nova.compute.manager ${ctx(c)} ${inst(c)} Took ${secs(c, 40)} seconds to spawn the instance on the hypervisor.`,
      (c) => `INFO nova.compute.manager ${ctx(c)} ${inst(c)} Took ${secs(c, 60)} seconds to build instance.`,
      (c) => `INFO nova.compute.claims ${ctx(c)} ${inst(c)} Claim successful on node ${c.node}`,
      (c) => `INFO nova.virt.libvirt.driver ${ctx(c)} ${inst(c)} Creating image(s)`,
      (c) =>
        `INFO nova.compute.manager [None ${req(c)} None None] ${inst(c)} VM ${pick(c, ['Started', 'Paused', 'Resumed', 'Stopped'])} (Lifecycle Event)`,
      (c) =>
        `INFO os_vif ${ctx(c)} Successfully ${pick(c, ['plugged', 'unplugged'])} vif VIFOpenVSwitch(active=${pick(c, ['True', 'False'])},address=fa:16:3e:${c.rng.hex(2)}:${c.rng.hex(2)}:${c.rng.hex(2)},bridge_name='br-int',id=${c.rng.uuid()},network=Network(${c.rng.uuid()}),plugin='ovs',vif_name='tap${c.rng.hex(8)}-${c.rng.hex(2)}')`,
      (c) =>
        `INFO nova.compute.resource_tracker ${sysctx(c)} Final resource view: name=${c.node} phys_ram=7937MB used_ram=${c.rng.range(512, 7000)}MB phys_disk=77GB used_disk=${c.rng.range(0, 40)}GB total_vcpus=8 used_vcpus=${c.rng.int(9)} pci_stats=[]`,
      (c) => `INFO nova.virt.libvirt.driver [-] ${inst(c)} Instance destroyed successfully.`,
      (c) =>
        `WARNING nova.compute.manager ${sysctx(c)} While synchronizing instance power states, found ${c.rng.range(1, 5)} instances in the database and ${c.rng.range(0, 5)} instances on the hypervisor.`,
      (c) => `INFO nova.compute.manager ${ctx(c)} ${inst(c)} Terminating instance`,
    ],
    'nova-conductor': [
      (c) =>
        `INFO nova.conductor.manager ${ctx(c)} ${inst(c)} Selected host: ${c.node}; Selected node: ${c.node}; Alternates: []`,
    ],
    'nova-scheduler': [
      (c) =>
        `INFO nova.scheduler.host_manager ${sysctx(c)} Host mapping not found for host ${c.node}. Not tracking instance info for this host.`,
    ],
    'neutron-server': [
      (c) =>
        `INFO neutron.db.ovn_revision_numbers_db ${ctx(c)} Successfully bumped revision number for resource ${c.rng.uuid()} (type: ${pick(c, ['ports', 'networks', 'subnets', 'routers'])}) to ${c.rng.range(1, 9)}`,
      (c) =>
        `INFO neutron.notifiers.nova [-] Nova event matching ['${c.rng.uuid()}'] response: {'server_uuid': '${c.rng.uuid()}', 'name': 'network-vif-${pick(c, ['changed', 'deleted'])}', 'status': 'completed', 'code': 200}`,
    ],
    'neutron-openvswitch-agent': [
      (c) =>
        `INFO neutron.agent.securitygroups_rpc [None ${req(c)} - - - - -] Preparing filters for devices {'${c.rng.uuid()}'}`,
    ],
    'neutron-dhcp-agent': [
      (c) =>
        `INFO neutron.agent.dhcp.agent [None ${req(c)} - - - - -] DHCP configuration for ports {'${c.rng.uuid()}'} is completed`,
    ],
    'neutron-ovn-metadata-agent': [
      (c) =>
        `INFO neutron.agent.ovn.metadata.agent [-] Port ${c.rng.uuid()} in datapath ${c.rng.uuid()} ${pick(c, ['bound to our chassis', 'unbound from our chassis'])}`,
    ],
    'cinder-volume': [
      (c) => `INFO cinder.volume.manager ${ctx(c)} Created volume successfully.`,
      (c) =>
        `INFO cinder.volume.flows.manager.create_volume ${ctx(c)} Volume ${c.rng.uuid()}: being created as raw with specification: {'status': 'creating', 'volume_size': ${c.rng.range(1, 3)}}`,
      (c) => `INFO cinder.volume.manager ${ctx(c)} attachment_update completed successfully.`,
    ],
    'glance-api': [
      (c) =>
        `INFO eventlet.wsgi.server ${ctx(c)} ${ip(c)},${ip(c)} - - [${c.rng.range(10, 28)}/Nov/2026 ${c.rng.range(10, 23)}:${c.rng.range(10, 59)}:${c.rng.range(10, 59)}] "GET /v2/images/${c.rng.uuid()} HTTP/1.1" 200 ${c.rng.range(500, 3000)} ${secs(c, 1)}`,
    ],
    'proxy-server': [
      (c) =>
        `INFO proxy-server ${ip(c)} ${ip(c)} ${pick(c, ['PUT', 'GET', 'HEAD', 'DELETE'])} /v1/AUTH_${c.rng.hex(32)}/${pick(c, ['container', 'tempest-bucket', 'glance'])}/${c.rng.hex(12)} HTTP/1.0 ${pick(c, [200, 201, 204, 404])} - python-swiftclient - - - - tx${c.rng.hex(21)} - ${secs(c, 1)} - - ${c.rng.range(1000000000, 1999999999)}.${c.rng.range(100000, 999999)} -`,
    ],
    'ironic-conductor': [
      (c) =>
        `INFO ironic.conductor.utils ${sysctx(c)} Node ${c.rng.uuid()} moved to provision state "${pick(c, ['deploying', 'wait call-back', 'active', 'cleaning', 'available'])}" from state "${pick(c, ['deploying', 'available', 'manageable'])}"; target provision state is "${pick(c, ['active', 'available'])}"`,
    ],
  };
  return [...generic, ...(specific[service] ?? []), ...(specific[service] ?? [])];
}

const SYSLOG: Gen[] = [
  (c) =>
    `sudo[${c.rng.range(1000, 99999)}]:    stack : PWD=/opt/stack ; USER=root ; COMMAND=/usr/bin/ovs-vsctl --timeout=10 --oneline --format=json -- --columns=name list Interface`,
  (c) =>
    `kernel: [${c.rng.range(100, 9999)}.${c.rng.range(100000, 999999)}] br-int: port ${c.rng.range(1, 20)}(tap${c.rng.hex(8)}-${c.rng.hex(2)}) entered ${pick(c, ['forwarding', 'blocking', 'disabled'])} state`,
  (c) =>
    `systemd[1]: Started devstack@${pick(c, ['n-cpu', 'n-api', 'q-svc', 'c-vol', 'g-api', 'keystone'])}.service - Devstack devstack@${pick(c, ['n-cpu', 'n-api', 'q-svc', 'c-vol', 'g-api', 'keystone'])}.service.`,
  (c) =>
    `libvirtd[${c.rng.range(1000, 9999)}]: ${pick(c, ['Domain id', 'Guest agent'])}=${c.rng.range(1, 80)} name='instance-${c.rng.hex(8)}' ${pick(c, ['started', 'stopped', 'is not responding'])}`,
  (c) =>
    `audit: type=1400 audit(${c.rng.range(1700000000, 1800000000)}.${c.rng.range(100, 999)}:${c.rng.range(100, 999)}): apparmor="STATUS" operation="profile_load" profile="unconfined" name="libvirt-${c.rng.uuid()}" pid=${c.rng.range(1000, 99999)} comm="apparmor_parser"`,
  (c) =>
    `dnsmasq-dhcp[${c.rng.range(1000, 99999)}]: DHCPACK(tap${c.rng.hex(8)}-${c.rng.hex(2)}) ${ip(c)} fa:16:3e:${c.rng.hex(2)}:${c.rng.hex(2)}:${c.rng.hex(2)} host-${ip(c).replace(/\./g, '-')}`,
];

const CUSTOM: Gen[] = [(c) => `Build ${c.rng.hex(32)} finished without logs`];

/** Text generators of ordinary lines for a file (before the format's line prefix). */
export function noiseGenerators(spec: FileSpec): Gen[] {
  switch (spec.format) {
    case 'console':
      return CONSOLE;
    case 'devstack':
      return DEVSTACK;
    case 'tempest':
      return TEMPEST;
    case 'oslo':
      return osloGens(spec.service);
    case 'syslog':
      return SYSLOG;
    case 'custom':
      return CUSTOM;
  }
}

/* ---------------- failure text that no signature knows ---------------- */

/** Module names that log errors, per service. */
export const SERVICE_ERROR_MODULES: Record<string, string[]> = {
  'nova-compute': ['nova.compute.manager', 'nova.virt.libvirt.driver'],
  'nova-api': ['nova.api.openstack.wsgi'],
  'nova-conductor': ['nova.conductor.manager'],
  'nova-scheduler': ['nova.scheduler.manager'],
  'placement-api': ['placement.handler'],
  'neutron-server': ['neutron.plugins.ml2.managers', 'neutron.api.v2.base'],
  'neutron-openvswitch-agent': ['neutron.plugins.ml2.drivers.openvswitch.agent.ovs_neutron_agent'],
  'neutron-dhcp-agent': ['neutron.agent.dhcp.agent'],
  'neutron-ovn-metadata-agent': ['neutron.agent.ovn.metadata.agent'],
  'cinder-volume': ['cinder.volume.manager'],
  'cinder-api': ['cinder.api.middleware.fault'],
  'glance-api': ['glance.api.v2.image_data'],
  keystone: ['keystone.server.flask.application'],
  'proxy-server': ['proxy-server'],
  'ironic-conductor': ['ironic.conductor.utils'],
  'ironic-api': ['ironic.api.method'],
};
const errModule = (c: LineContext) =>
  pick(c, SERVICE_ERROR_MODULES[c.service ?? ''] ?? [`${(c.service ?? 'service').replace(/-/g, '_')}.manager`]);

/** Errors of unknown cause (left uncategorized), by line format. */
export const UNKNOWN_ERRORS: Record<'console' | 'oslo', Gen[]> = {
  console: [
    (c) => `${host(c)} | {${c.rng.int(4)}} ${pick(c, TEST_MODULES)} [${secs(c, 300)}s] ... FAILED`,
    (c) =>
      `${host(c)} | testtools.matchers._impl.MismatchError: ${c.rng.range(1, 9)} != ${c.rng.range(10, 20)}: unexpected number of ${pick(c, ['ports', 'servers', 'volumes', 'snapshots'])} for tenant ${c.rng.hex(32)}`,
    (c) =>
      `${host(c)} | AssertionError: ${pick(c, ["'ACTIVE'", "'in-use'", "'available'", "'DOWN'"])} != ${pick(c, ["'ERROR'", "'error_deleting'", "'BUILD'", "'SHUTOFF'"])}`,
    (c) =>
      `${host(c)} | ERROR: InvocationError for command /usr/bin/bash -c 'stestr run --slowest ${pick(c, ['unit', 'functional', '--concurrency 4'])}' (exited with code 1)`,
    (c) =>
      `${host(c)} | ${pick(c, ['./nova', './neutron', './cinder', './glance'])}/${pick(c, ['api', 'db', 'compute', 'common'])}/${pick(c, ['utils', 'manager', 'api'])}.py:${c.rng.range(20, 900)}:${c.rng.range(1, 80)}: ${pick(c, ['E501 line too long (81 > 79 characters)', 'F401 imported but unused', 'H306: imports not in alphabetical order', 'W605 invalid escape sequence'])}`,
    (c) =>
      `${host(c)} | sphinx.errors.SphinxWarning: ${pick(c, ['doc/source/admin/index.rst', 'doc/source/configuration/config.rst', 'releasenotes/source/unreleased.rst'])}:${c.rng.range(3, 300)}:${pick(c, ['undefined label', 'duplicate object description', 'Unknown target name'])}`,
  ],
  oslo: [
    (c) =>
      `ERROR ${errModule(c)} ${ctx(c)} Unexpected error while running command. Command: ${pick(c, ['qemu-img convert -O raw', 'ip netns exec qrouter', 'blockdev --getsize64', 'lvcreate -T -V 1g'])} Exit code: ${c.rng.range(1, 255)}`,
    (c) =>
      `ERROR oslo_messaging.rpc.server ${ctx(c)} Exception during message handling: KeyError: '${pick(c, ['pci_devices', 'numa_topology', 'vif_details', 'connection_info'])}'`,
    (c) =>
      `ERROR ${errModule(c)} ${ctx(c)} Mechanism driver 'ovn' failed in ${pick(c, ['update_port_postcommit', 'create_network_precommit'])}: ValueError: invalid literal for int() with base 10: '${c.rng.hex(6)}'`,
    (c) =>
      `ERROR ${errModule(c)} ${ctx(c)} Caught error: TypeError: ${pick(c, ["'NoneType' object is not subscriptable", 'unsupported operand type(s) for +: int and str', 'argument of type NoneType is not iterable'])}`,
  ],
};

/** Lines of infrastructure failures (no code problem); `status` picks the kind. */
export const INFRA_ERRORS: Record<string, Gen[]> = {
  NODE_FAILURE: [
    (c) =>
      `Node request ${c.rng.range(100, 999)}-${String(c.rng.range(0, 99999999)).padStart(10, '0')} failed for label ${pick(c, ['ubuntu-noble', 'ubuntu-jammy', 'centos-9-stream'])}: no provider could satisfy the request`,
  ],
  RETRY_LIMIT: [
    (_c) => `RUN END RESULT_UNREACHABLE: [trusted : opendev.org/opendev/base-jobs/playbooks/base/pre.yaml@master]`,
    (c) => `${host(c)} | ssh: connect to host ${ip(c)} port 22: No route to host`,
  ],
  TIMED_OUT: [
    (c) =>
      `RUN END RESULT_TIMED_OUT: [untrusted : opendev.org/openstack/${pick(c, ['tempest', 'devstack'])}/playbooks/devstack-tempest.yaml@${c.branch}]`,
  ],
  POST_FAILURE: [
    (_c) =>
      `POST-RUN END RESULT_FAILURE: [trusted : opendev.org/opendev/base-jobs/playbooks/base/post-logs.yaml@master]`,
    (c) => `${host(c)} | rsync: [sender] write error: Broken pipe (32)`,
  ],
  FAILURE: [
    (c) =>
      `${host(c)} | E: Failed to fetch http://mirror.${pick(c, REGIONS)}.opendev.org/ubuntu/dists/noble/InRelease  Could not connect to mirror.${pick(c, REGIONS)}.opendev.org:80 (${ip(c)}), connection timed out`,
    (c) =>
      `${host(c)} | fatal: [${pick(c, ['controller', 'compute1'])}]: UNREACHABLE! => {"changed": false, "msg": "Data could not be sent to remote host", "unreachable": true}`,
  ],
};
