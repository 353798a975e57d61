export {
  imageImport,
  imageList,
  imageRemove,
  formatImageTable,
  humanSize,
  type ImageCommandIO,
  type ImageCommandStore,
  type ListedImage,
} from './image-commands.ts';
