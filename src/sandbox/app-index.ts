/** Records by id and by app, so an app's list costs what the app holds, not the whole fleet. */
export class AppIndex<T extends { id: string; app: string }> {
  private readonly byId = new Map<string, T>();
  private readonly byApp = new Map<string, Map<string, T>>();

  constructor(records: Iterable<T>) {
    for (const record of records) this.add(record);
  }

  add(record: T): void {
    this.byId.set(record.id, record);
    const ofApp = this.byApp.get(record.app) ?? new Map<string, T>();
    ofApp.set(record.id, record);
    this.byApp.set(record.app, ofApp);
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  all(): T[] {
    return [...this.byId.values()];
  }

  ofApp(app: string): T[] {
    return [...(this.byApp.get(app)?.values() ?? [])];
  }

  removeApp(app: string): void {
    for (const id of this.byApp.get(app)?.keys() ?? []) this.byId.delete(id);
    this.byApp.delete(app);
  }
}
