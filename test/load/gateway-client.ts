// The operator's and tenants' calls the benchmark makes before measuring: tenants, an event type,
// endpoints. Through the public GraphQL API, as a user would; none of it is timed.

export const EVENT_TYPE = 'invoice.paid';

export interface BenchTenant {
  id: string;
  token: string;
  /** False when the gateway refused our publish limits (it may then answer 429 under load). */
  limitsRaised: boolean;
}

export class GatewayClient {
  constructor(
    readonly url: string,
    private readonly adminKey: string,
  ) {}

  async graphql<T>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json().catch(() => ({}))) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length || !body.data) {
      throw new Error(`GraphQL ${response.status}: ${body.errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
    }
    return body.data;
  }

  /**
   * A tenant with one event type. Its publish limits are raised so the benchmark measures delivery,
   * not the per-tenant rate limit; a gateway that does not take them still gets a tenant.
   */
  async createTenant(name: string): Promise<BenchTenant> {
    const mutation = `mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } apiKey { token } } }`;
    type Created = { createTenant: { tenant: { id: string }; apiKey: { token: string } } };
    let limitsRaised = true;
    const created = await this.graphql<Created>(
      mutation,
      { input: { name, limits: { publishRatePerSecond: 1_000_000, publishBurst: 1_000_000 } } },
      this.adminKey,
    ).catch(() => {
      limitsRaised = false;
      return this.graphql<Created>(mutation, { input: { name } }, this.adminKey);
    });
    const token = created.createTenant.apiKey.token;
    await this.graphql(
      `mutation($input: CreateEventTypeInput!) { createEventType(input: $input) { name } }`,
      { input: { name: EVENT_TYPE, description: 'Benchmark event' } },
      token,
    );
    return { id: created.createTenant.tenant.id, token, limitsRaised };
  }

  /** Endpoints, a few at a time; returns their ids in the order given. */
  async createEndpoints(token: string, inputs: { url: string; consumerId?: string }[], concurrency = 8): Promise<string[]> {
    const ids: string[] = new Array(inputs.length);
    let next = 0;
    const worker = async () => {
      while (next < inputs.length) {
        const i = next++;
        const data = await this.graphql<{ createEndpoint: { endpoint: { id: string } } }>(
          `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { endpoint { id } } }`,
          { input: { ...inputs[i], description: 'benchmark' } },
          token,
        );
        ids[i] = data.createEndpoint.endpoint.id;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker));
    return ids;
  }

  /** Deleting an endpoint cancels its workflow, so a misbehaving endpoint stops costing anything after its phase. */
  async deleteEndpoint(token: string, id: string): Promise<void> {
    await this.graphql(`mutation($id: ID!) { deleteEndpoint(id: $id) }`, { id }, token);
  }
}
