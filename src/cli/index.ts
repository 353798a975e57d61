export {
  imageImport,
  imageList,
  imageRemove,
  formatImageTable,
  humanSize,
  type ImageCommandIO,
  type ImageCommandStore,
  type ImportedImage,
  type ListedImage,
} from './image-commands.ts';
