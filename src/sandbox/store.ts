import { AppIndex } from "./app-index.js";
import { notFound } from "./http-error.js";
import { isoSeconds } from "./ids.js";
import { emptyAddonState, type AddonState } from "./types-addons.js";
import type {
  AppRecord,
  CertRecord,
  ReleaseRecord,
  IpRecord,
  MachineRecord,
  OrgRecord,
  SandboxState,
  SecretRecord,
  UserRecord,
  VolumeRecord,
} from "./types.js";

type Listener = () => void;

/**
 * The sandbox's in-memory fleet. Records are held by reference and mutated in place by the
 * route handlers; every mutation ends with `changed()`, which persists the state and wakes
 * the requests waiting on a machine.
 */
export class SandboxStore {
  private readonly users = new Map<string, UserRecord>();
  private readonly orgsBySlug = new Map<string, OrgRecord>();
  private readonly appsByName = new Map<string, AppRecord>();
  private readonly machineIndex: AppIndex<MachineRecord>;
  private readonly volumeIndex: AppIndex<VolumeRecord>;
  private secretList: SecretRecord[];
  private ipList: IpRecord[];
  private certList: CertRecord[];
  private releaseList: ReleaseRecord[];
  private counter: number;
  private readonly viewerId: string;
  /** Databases, add-ons, tokens and WireGuard peers, mutated in place like every other record. */
  readonly addons: AddonState;
  private readonly changeListeners = new Set<Listener>();
  private readonly machineListeners = new Map<string, Set<Listener>>();

  constructor(state: SandboxState) {
    const copy = structuredClone(state);
    copy.users.forEach((u) => this.users.set(u.id, u));
    copy.orgs.forEach((o) => this.orgsBySlug.set(o.slug, o));
    copy.apps.forEach((a) => this.appsByName.set(a.name, a));
    this.machineIndex = new AppIndex(copy.machines);
    this.volumeIndex = new AppIndex(copy.volumes);
    this.secretList = copy.secrets;
    this.ipList = copy.ips;
    this.certList = copy.certs;
    this.releaseList = copy.releases ?? [];
    this.counter = copy.counter;
    this.viewerId = copy.viewer;
    this.addons = { ...emptyAddonState(), ...copy.addons };
  }

  /** A deep copy of everything, secret values included: for the state file and in-process tests only. */
  toState(): SandboxState {
    return structuredClone({
      version: 1,
      counter: this.counter,
      viewer: this.viewerId,
      users: [...this.users.values()],
      orgs: [...this.orgsBySlug.values()],
      apps: [...this.appsByName.values()],
      machines: this.machineIndex.all(),
      volumes: this.volumeIndex.all(),
      secrets: this.secretList,
      ips: this.ipList,
      certs: this.certList,
      addons: this.addons,
      releases: this.releaseList,
    });
  }

  now(): string {
    return isoSeconds(new Date());
  }

  /** A number no earlier call returned. */
  nextNumber(): number {
    this.counter += 1;
    return this.counter;
  }

  /** A label no earlier call returned; ids are hashed from it. */
  nextLabel(kind: string): string {
    return `${kind}:${this.nextNumber()}`;
  }

  onChange(listener: Listener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  onMachineChange(id: string, listener: Listener): () => void {
    const set = this.machineListeners.get(id) ?? new Set<Listener>();
    set.add(listener);
    this.machineListeners.set(id, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.machineListeners.delete(id);
    };
  }

  changed(machine?: MachineRecord): void {
    if (machine) [...(this.machineListeners.get(machine.id) ?? [])].forEach((l) => l());
    this.changeListeners.forEach((l) => l());
  }

  // People and organizations

  viewer(): UserRecord {
    const user = this.users.get(this.viewerId);
    if (!user) throw new Error("sandbox state has no viewer user");
    return user;
  }

  user(id: string): UserRecord | undefined {
    return this.users.get(id);
  }

  orgs(): OrgRecord[] {
    return [...this.orgsBySlug.values()];
  }

  /** Fly accepts "personal" for the viewer's personal organization wherever a slug is asked. */
  org(slug: string): OrgRecord | undefined {
    return (
      this.orgsBySlug.get(slug) ??
      (slug === "personal" ? this.orgs().find((o) => o.type === "PERSONAL") : undefined)
    );
  }

  requireOrg(slug: string): OrgRecord {
    const org = this.org(slug);
    if (!org) throw notFound(`organization ${slug}`);
    return org;
  }

  // Apps

  apps(orgSlug?: string): AppRecord[] {
    const all = [...this.appsByName.values()];
    return orgSlug === undefined ? all : all.filter((a) => a.org === orgSlug);
  }

  app(name: string): AppRecord | undefined {
    return this.appsByName.get(name);
  }

  requireApp(name: string): AppRecord {
    const app = this.appsByName.get(name);
    if (!app) throw notFound("app");
    return app;
  }

  addApp(app: AppRecord): void {
    this.appsByName.set(app.name, app);
  }

  /** Deletes the app and everything it owns, as Fly does. */
  removeApp(name: string): void {
    this.appsByName.delete(name);
    this.machineIndex.removeApp(name);
    this.volumeIndex.removeApp(name);
    this.secretList = this.secretList.filter((s) => s.app !== name);
    this.ipList = this.ipList.filter((i) => i.app !== name);
    this.certList = this.certList.filter((c) => c.app !== name);
    this.releaseList = this.releaseList.filter((r) => r.app !== name);
  }

  // Machines: destroyed ones stay, as Fly keeps them listable with include_deleted.

  machines(app?: string): MachineRecord[] {
    return app === undefined ? this.machineIndex.all() : this.machineIndex.ofApp(app);
  }

  machine(id: string): MachineRecord | undefined {
    return this.machineIndex.get(id);
  }

  requireMachine(app: string, id: string): MachineRecord {
    const machine = this.machineIndex.get(id);
    if (!machine || machine.app !== app) throw notFound("machine");
    return machine;
  }

  addMachine(machine: MachineRecord): void {
    this.machineIndex.add(machine);
  }

  // Volumes

  volumes(app?: string): VolumeRecord[] {
    return app === undefined ? this.volumeIndex.all() : this.volumeIndex.ofApp(app);
  }

  volume(id: string): VolumeRecord | undefined {
    return this.volumeIndex.get(id);
  }

  requireVolume(app: string, id: string): VolumeRecord {
    const volume = this.volumeIndex.get(id);
    if (!volume || volume.app !== app || volume.state === "destroyed") throw notFound(`volume ${id}`);
    return volume;
  }

  addVolume(volume: VolumeRecord): void {
    this.volumeIndex.add(volume);
  }

  // Secrets, IPs, certificates

  secrets(app: string): SecretRecord[] {
    return this.secretList.filter((s) => s.app === app);
  }

  /** In-process only (tests check what an apply set); no HTTP route reads this. */
  secretValue(app: string, name: string): string | undefined {
    return this.secretList.find((s) => s.app === app && s.name === name)?.value;
  }

  putSecret(secret: SecretRecord): void {
    this.secretList = [
      ...this.secretList.filter((s) => !(s.app === secret.app && s.name === secret.name)),
      secret,
    ];
  }

  removeSecret(app: string, name: string): boolean {
    const before = this.secretList.length;
    this.secretList = this.secretList.filter((s) => !(s.app === app && s.name === name));
    return this.secretList.length !== before;
  }

  ips(app?: string): IpRecord[] {
    return app === undefined ? [...this.ipList] : this.ipList.filter((i) => i.app === app);
  }

  addIp(ip: IpRecord): void {
    this.ipList.push(ip);
  }

  removeIp(app: string, ip: string): boolean {
    const before = this.ipList.length;
    this.ipList = this.ipList.filter((i) => !(i.app === app && i.ip === ip));
    return this.ipList.length !== before;
  }

  certs(app: string): CertRecord[] {
    return this.certList.filter((c) => c.app === app);
  }

  requireCert(app: string, hostname: string): CertRecord {
    const cert = this.certList.find((c) => c.app === app && c.hostname === hostname);
    if (!cert) throw notFound(`certificate ${hostname}`);
    return cert;
  }

  addCert(cert: CertRecord): void {
    this.certList.push(cert);
  }

  removeCert(app: string, hostname: string): boolean {
    const before = this.certList.length;
    this.certList = this.certList.filter((c) => !(c.app === app && c.hostname === hostname));
    return this.certList.length !== before;
  }

  /** An app's releases, newest first. */
  releases(app: string): ReleaseRecord[] {
    return this.releaseList.filter((r) => r.app === app).sort((a, b) => b.version - a.version);
  }
}
