;; Nothing at all (world bare): any number of instances of it need nothing.
(module)
