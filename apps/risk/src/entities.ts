import { RiskAssessment } from './assessments/risk-assessment.entity';
import { RiskLimit } from './limits/risk-limit.entity';

export const entities = [RiskLimit, RiskAssessment];
