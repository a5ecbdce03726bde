import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../http/admin.guard.js';
import { errorBodyRef } from '../openapi.js';
import { GatewayFleet, type FleetGateway, type FleetTarget } from './gateway-fleet.js';
import { fleetSchema } from './gateways-openapi.js';

/** The fleet as this registry hears it on gateway.heartbeat: any replica answers the same within a heartbeat. */
@ApiTags('gateways')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@ApiResponse({ status: 401, description: 'The admin secret is missing or wrong', schema: errorBodyRef })
@Controller('admin/gateways')
export class GatewaysController {
  constructor(private readonly fleet: GatewayFleet) {}

  @Get()
  @ApiOperation({ summary: 'The live gateways and the health of their load-balanced upstream targets, per gateway and per target' })
  @ApiResponse({ status: 200, schema: fleetSchema })
  list(): { gateways: FleetGateway[]; targets: FleetTarget[] } {
    return { gateways: this.fleet.gateways(), targets: this.fleet.targets() };
  }
}
