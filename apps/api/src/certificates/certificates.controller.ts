import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { CertFlowStepView } from '@starchart/cert-flow';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { WriteRateLimitGuard } from '../http/write-rate-limit.guard';
import { problemSchema } from '../records/record.schemas';
import { CertificateEventsService } from './certificate-events.service';
import {
  certificateDetailSchema,
  certificateListSchema,
  certificateViewSchema,
  deleteCertificateQuerySchema,
  type CertificateView,
  type DeleteCertificateQuery,
} from './certificate.schemas';
import { CERTIFICATES_PATH, certificateLocation, toCertificateView } from './certificate-view';
import { CertificatesService, type PemDocument } from './certificates.service';

export interface CertificateDetail extends CertificateView {
  steps: CertFlowStepView[] | null;
}

const PEM_MEDIA_TYPE = 'application/x-pem-file';

/** Documents an error answer; setupOpenApi gives it the application/problem+json media type. */
const ApiProblem = (status: number, description: string): MethodDecorator & ClassDecorator =>
  ApiResponse({ status, description, standardSchema: problemSchema });

@ApiTags('certificates')
@ApiBearerAuth()
@ApiProblem(401, 'Missing, expired or forged token.')
@ApiProblem(403, 'The token subject is not a valid username.')
@Controller(CERTIFICATES_PATH.slice(1))
@UseGuards(WriteRateLimitGuard)
export class CertificatesController {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly events: CertificateEventsService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Order your certificate',
    description:
      'For <username>.<ROOT_DOMAIN> and *.<username>.<ROOT_DOMAIN>, validated with ACME DNS-01. ' +
      'Answers at once with status pending, or queued (with its place and estimated start) when the ' +
      'issuance budget is spent; a queued order starts by itself. Also orders again after a failure.',
  })
  @ApiResponse({ status: 202, standardSchema: certificateViewSchema })
  @ApiProblem(409, 'An order is still running, or the certificate is issued already.')
  @ApiProblem(503, 'The queue is unreachable; nothing was ordered.')
  async order(
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CertificateView> {
    const certificate = await this.certificates.order(principal);
    response.location(certificateLocation(certificate.id));
    const standings = await this.certificates.standings([certificate]);
    return toCertificateView(certificate, standings.get(certificate.id));
  }

  @Get()
  @ApiOperation({ summary: "Your certificate (admins: everyone's)" })
  @ApiResponse({ status: 200, standardSchema: certificateListSchema })
  async list(@CurrentPrincipal() principal: Principal): Promise<{ items: CertificateView[] }> {
    const rows = await this.certificates.list(principal);
    const standings = await this.certificates.standings(rows);
    return { items: rows.map((row) => toCertificateView(row, standings.get(row.id))) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a certificate and the steps of its latest order' })
  @ApiResponse({ status: 200, standardSchema: certificateDetailSchema })
  @ApiProblem(404, 'No such certificate, or not yours.')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<CertificateDetail> {
    const certificate = await this.certificates.findVisible(principal, id);
    const standings = await this.certificates.standings([certificate]);
    return {
      ...toCertificateView(certificate, standings.get(certificate.id)),
      steps: await this.certificates.stepsOf(certificate),
    };
  }

  @Get(':id/events')
  @ApiOperation({
    summary: 'Follow an order or a delete until it settles (Server-Sent Events)',
    description:
      'event: status (the certificate), event: step (a flow step), and a final event: done ' +
      '{ status: issued | failed | revocation-failed | gone, statusReason, timedOut }.',
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'An event stream.' })
  @ApiProblem(404, 'No such certificate, or not yours.')
  async follow(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    const certificate = await this.certificates.findVisible(principal, id);
    await this.events.stream(certificate, response);
  }

  @Get(':id/certificate.pem')
  @ApiOperation({ summary: 'The certificate (PEM)' })
  @ApiProduces(PEM_MEDIA_TYPE)
  @ApiProblem(404, 'No such certificate, or not yours.')
  @ApiProblem(409, 'Not issued yet.')
  certificatePem(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    return this.sendPem(principal, id, 'certificate', response);
  }

  @Get(':id/chain.pem')
  @ApiOperation({ summary: 'The intermediate certificates (PEM)' })
  @ApiProduces(PEM_MEDIA_TYPE)
  @ApiProblem(404, 'No such certificate, or not yours.')
  @ApiProblem(409, 'Not issued yet.')
  chainPem(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    return this.sendPem(principal, id, 'chain', response);
  }

  @Get(':id/fullchain.pem')
  @ApiOperation({ summary: 'The certificate followed by its intermediates (PEM)' })
  @ApiProduces(PEM_MEDIA_TYPE)
  @ApiProblem(404, 'No such certificate, or not yours.')
  @ApiProblem(409, 'Not issued yet.')
  fullchainPem(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    return this.sendPem(principal, id, 'fullchain', response);
  }

  @Get(':id/privkey.pem')
  @ApiOperation({
    summary: 'The private key (PEM), for the owner only',
    description: 'Admins may read metadata and public parts, never the key.',
  })
  @ApiProduces(PEM_MEDIA_TYPE)
  @ApiProblem(403, "An admin asking for another user's key.")
  @ApiProblem(404, 'No such certificate, or not yours.')
  @ApiProblem(409, 'Not issued yet.')
  privkeyPem(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    return this.sendPem(principal, id, 'privkey', response);
  }

  @Delete(':id')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Revoke the certificate at the CA, then delete it',
    description:
      'Sets status deleting and starts the delete flow: a worker revokes the certificate at the CA ' +
      '(reason cessationOfOperation; one never issued is not revoked), then removes it, and it ' +
      'disappears. If the CA refuses (or cannot be reached for about 20 minutes), it stays, served, ' +
      'in status revocation-failed with the CA’s answer in statusReason: DELETE again to try again, ' +
      'or with force=true to remove it without revoking. Follow /events until done says gone.',
  })
  @ApiResponse({ status: 202, standardSchema: certificateViewSchema })
  @ApiProblem(404, 'No such certificate, or not yours.')
  @ApiProblem(
    409,
    'An order is still running, or force=true for a certificate whose revocation did not fail.',
  )
  @ApiProblem(503, 'The queue is unreachable; nothing was changed.')
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query({ schema: deleteCertificateQuerySchema }) query: DeleteCertificateQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CertificateView> {
    const certificate = await this.certificates.remove(principal, id, query.force);
    response.location(certificateLocation(certificate.id));
    return toCertificateView(certificate);
  }

  private async sendPem(
    principal: Principal,
    id: string,
    document: PemDocument,
    response: Response,
  ): Promise<void> {
    const pem = await this.certificates.download(principal, id, document);
    response
      .status(200)
      .type(PEM_MEDIA_TYPE)
      // A private key must not sit in a shared cache.
      .set('Cache-Control', 'no-store')
      .send(pem);
  }
}
