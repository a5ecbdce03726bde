import { Injectable } from '@nestjs/common';
import { UsageService } from '../../analytics/usage.service.js';
import { ApisService } from '../../apis/apis.service.js';
import { GatewayFleet } from '../../gateways/gateway-fleet.js';
import { renderTrafficCharts } from '../charts/traffic-charts.js';
import { lastDay } from '../traffic/traffic-filters.js';
import { renderConsolePartial } from './console-views.js';

/** The usage filter each kind's traffic is read by (keys by their hash, as the gateways count them). */
const trafficFilters = {
  apis: { filter: 'api_id', query: 'apiId', singular: 'API' },
  keys: { filter: 'identity', query: 'identity', singular: 'key' },
  'oauth-clients': { filter: 'oauth_client_id', query: 'oauthClientId', singular: 'OAuth client' },
} as const;

/** What an item's page shows beside its document: its last day's requests, and an API's targets' health. */
@Injectable()
export class ItemPanels {
  constructor(
    private readonly usage: UsageService,
    private readonly apis: ApisService,
    private readonly fleet: GatewayFleet,
  ) {}

  async for(slug: string, id: string, now = new Date()): Promise<string> {
    const traffic = trafficFilters[slug as keyof typeof trafficFilters];
    if (!traffic) return '';
    const report = await this.usage.usage({ ...lastDay(now), [traffic.query]: id });
    return renderConsolePartial('panels', {
      singular: traffic.singular,
      trafficHref: `/console/traffic?${traffic.filter}=${encodeURIComponent(id)}`,
      chart: renderTrafficCharts(report).requests,
      targets: slug === 'apis' ? await this.targetsOf(id) : undefined,
    });
  }

  /** The fleet's view of the origins this API sends to (health is per origin, shared by the APIs using it). */
  private async targetsOf(apiId: string): Promise<ReturnType<GatewayFleet['targets']>> {
    const api = await this.apis.get(apiId);
    const urls = [api.proxy.target_url, ...(api.proxy.target_list ?? [])].filter((url): url is string => typeof url === 'string' && url !== '');
    const origins = new Set(urls.flatMap((url) => (URL.canParse(url) ? [new URL(url).origin] : [])));
    return this.fleet.targets().filter((target) => origins.has(target.origin));
  }
}
