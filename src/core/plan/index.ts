export { planTransfer, type PlanOptions } from './planTransfer';
