import { Injectable } from '@nestjs/common';
import { renderConsolePartial } from './console-views.js';

/** The usage filter each kind's traffic is read by (keys by their hash, as the gateways count them). */
const trafficFilters: Record<string, { filter: string; singular: string } | undefined> = {
  apis: { filter: 'api_id', singular: 'API' },
  keys: { filter: 'identity', singular: 'key' },
  'oauth-clients': { filter: 'oauth_client_id', singular: 'OAuth client' },
};

/** What an item's page shows beside its document. */
@Injectable()
export class ItemPanels {
  async for(slug: string, id: string): Promise<string> {
    const traffic = trafficFilters[slug];
    if (!traffic) return '';
    return renderConsolePartial('panels', { singular: traffic.singular, trafficHref: `/console/traffic?${traffic.filter}=${encodeURIComponent(id)}` });
  }
}
