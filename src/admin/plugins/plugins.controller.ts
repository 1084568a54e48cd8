import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { ApiBody, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { PluginAdminService } from '../../plugins/plugin-admin.service';
import { PLUGIN_ID } from '../../plugins/plugin-input.validation';
import type { LicenseReport, PluginView } from '../../plugins/plugin.types';
import { AdminApi } from '../auth/admin-api.decorator';
import { CurrentAdmin, type AdminPrincipal } from '../auth/admin-principal';
import { OutboundGuard } from '../../common/net/outbound-guard';
import { fetchManifest } from './manifest-url';
import { ApiErrorDto } from '../common/api-error.dto';

export class PluginIdParamDto {
  @ApiProperty({ description: 'The plugin id it was installed under' })
  @Matches(PLUGIN_ID, { message: 'id must be a plugin id: 1-100 letters, digits, ".", "_" or "-"' })
  id: string;
}

const INSTALL_BODY = {
  schema: {
    type: 'object',
    properties: {
      manifestUrl: { type: 'string', description: 'Instead of manifest: where the manifest entry is published (JSON)' },
      manifest: {
        type: 'object',
        description: 'The plugin platform manifest entry: endpointUrl, userRegisterEndpointUrl, supportedLogTypes, isAsync, tokenSyncUrl, licenseStatusUrl, config fields',
      },
      pluginId: { type: 'string', description: 'Stored under this id (default manifest.name)' },
      config: { type: 'object', description: 'App Connect plugin config: { <field>: { value } }' },
      position: { type: 'integer', description: 'Place in the sync chain (1 = first)' },
      enabled: { type: 'boolean' },
      failurePolicy: { type: 'string', enum: ['block', 'skip'], description: 'block (default): the log waits and retries; skip: logged without this plugin' },
      timeoutMs: { type: 'integer' },
      maxAttempts: { type: 'integer' },
    },
  },
};

/**
 * The account's plugins. Validation lives in PluginAdminService (400 naming the field); installing registers the
 * account with the plugin server using the calling admin's own RingCentral token, which is never stored.
 */
@AdminApi()
@Controller('admin/plugins')
export class PluginsController {
  constructor(
    private readonly plugins: PluginAdminService,
    private readonly outbound: OutboundGuard,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Installed plugins, in chain order' })
  list(@CurrentAdmin() admin: AdminPrincipal): Promise<PluginView[]> {
    return this.plugins.list(admin.account.id);
  }

  @Post()
  @ApiOperation({ summary: 'Install a plugin from its manifest (registers the account with the plugin server)' })
  @ApiBody(INSTALL_BODY)
  async install(@CurrentAdmin() admin: AdminPrincipal, @Body() body: Record<string, unknown>): Promise<PluginView> {
    // Express leaves the body undefined when it is not JSON; the service then answers 400 like for any bad body.
    if (isRecord(body) && body.manifest === undefined && body.manifestUrl !== undefined) {
      const { manifestUrl, ...rest } = body;
      body = { ...rest, manifest: await fetchManifest(manifestUrl, this.outbound) };
    }
    // The admin's token from the bearer header or the console session, whichever authenticated the request.
    return this.plugins.install({ id: admin.account.id, rcAccountId: admin.rcAccountId }, { ...body, rcAccessToken: admin.rcAccessToken } as never);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change config, position, enabled, failurePolicy, timeoutMs or maxAttempts' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  update(@CurrentAdmin() admin: AdminPrincipal, @Param() { id }: PluginIdParamDto, @Body() body: Record<string, unknown>): Promise<PluginView> {
    return this.plugins.update(admin.account.id, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Uninstall a plugin' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async uninstall(@CurrentAdmin() admin: AdminPrincipal, @Param() { id }: PluginIdParamDto): Promise<void> {
    await this.plugins.uninstall(admin.account.id, id);
  }

  @Get(':id/license')
  @ApiOperation({ summary: "Ask the plugin for the account's license status now" })
  @ApiOkResponse({ description: '{ pluginId, licenseStatus, licenseStatusDescription, state, checkedAt }' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  license(@CurrentAdmin() admin: AdminPrincipal, @Param() { id }: PluginIdParamDto): Promise<LicenseReport> {
    return this.plugins.licenseStatus(admin.account.id, id);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
