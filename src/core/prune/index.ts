export {
  buildChannelGroups,
  type ChannelGroups,
  type ChannelGroup,
  type ChannelMember,
  type MemberRole,
} from './buildChannelGroups';
export {
  selectChannels,
  axisSelectionKey,
  type SelectionOptions,
  type PairedSource,
  type ChannelSelection,
  type GroupSelection,
  type AxisSelection,
} from './selectChannels';
export { chooseChannels, axisSums } from './chooseChannels';
export { describeSpace, type ChannelSpace } from './channelSpace';
