import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { problemSchema } from '../records/record.schemas';
import { AdminGuard } from './admin-access';

/** Documents an error answer; setupOpenApi gives it the application/problem+json media type. */
export const ApiProblem = (status: number, description: string): MethodDecorator & ClassDecorator =>
  ApiResponse({ status, description, standardSchema: problemSchema });

/** What every admin controller shares: the admin role, and how refusals are documented. */
export function AdminController(): ClassDecorator {
  return applyDecorators(
    ApiTags('admin'),
    ApiBearerAuth(),
    ApiProblem(401, 'Missing, expired or forged token.'),
    ApiProblem(403, 'The caller is not an admin, or is a locked admin.'),
    UseGuards(AdminGuard),
  );
}
