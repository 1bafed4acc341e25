/** Counters a test can read: requests per endpoint ("GET /api/v3/depth"), orders created, limits answered. */
export class SimStats {
  requests: Record<string, number> = {};
  ordersByClientId: Record<string, number> = {};
  ordersCreated = 0;
  count429 = 0;
  count418 = 0;

  reset(): void {
    this.requests = {};
    this.ordersByClientId = {};
    this.ordersCreated = 0;
    this.count429 = 0;
    this.count418 = 0;
  }
}
