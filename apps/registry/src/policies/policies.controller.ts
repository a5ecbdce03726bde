import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Policy } from '@portcullis/domain';
import { AdminGuard } from '../http/admin.guard.js';
import { JsonBodyGuard } from '../http/json-body.guard.js';
import { errorBodyRef } from '../openapi.js';
import { policyRefs } from './policies-openapi.js';
import { PoliciesService } from './policies.service.js';

const error = (status: number, description: string) => ApiResponse({ status, description, schema: errorBodyRef });

/** The native admin API for policies (Tyk's policy fields). */
@ApiTags('policies')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@error(401, 'The admin secret is missing or wrong')
@Controller('admin/policies')
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Post()
  @HttpCode(201)
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: 'Create a policy (id is generated when absent; a legacy _id is taken as the id)' })
  @ApiBody({ schema: policyRefs.input })
  @ApiResponse({ status: 201, description: 'The stored policy', schema: policyRefs.policy })
  @error(400, 'Malformed JSON, or invalid fields (each named in details)')
  @error(409, 'The id is already used by another policy')
  @error(413, 'The body is too large')
  @error(415, 'The body is not application/json')
  create(@Body() body: unknown): Promise<Policy> {
    return this.policies.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List every policy' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: policyRefs.policy } })
  list(): Promise<Policy[]> {
    return this.policies.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one policy' })
  @ApiParam({ name: 'id' })
  @ApiResponse({ status: 200, schema: policyRefs.policy })
  @error(404, 'No policy has this id')
  get(@Param('id') id: string): Promise<Policy> {
    return this.policies.get(id);
  }

  @Put(':id')
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: 'Replace a policy (the id in the URL wins; a different id in the body is refused)' })
  @ApiParam({ name: 'id' })
  @ApiBody({ schema: policyRefs.input })
  @ApiResponse({ status: 200, description: 'The stored policy', schema: policyRefs.policy })
  @error(400, 'Malformed JSON, invalid fields, or an id that differs from the URL')
  @error(404, 'No policy has this id')
  @error(413, 'The body is too large')
  @error(415, 'The body is not application/json')
  update(@Param('id') id: string, @Body() body: unknown): Promise<Policy> {
    return this.policies.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a policy (keys and clients that name it then have it as absent, as in Tyk)' })
  @ApiParam({ name: 'id' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @error(404, 'No policy has this id')
  async remove(@Param('id') id: string): Promise<void> {
    await this.policies.remove(id);
  }
}
